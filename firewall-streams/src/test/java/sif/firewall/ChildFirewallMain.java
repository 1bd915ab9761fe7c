package sif.firewall;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import sif.model.SequenceClassifier;

/**
 * The firewall as a separate process for the crash test, with the test's {@link RuleClassifier}
 * (the real model runs through {@link FirewallMain} instead). Args: config file. Runs until killed.
 */
public final class ChildFirewallMain {

    private ChildFirewallMain() {}

    public static void main(String[] args) throws Exception {
        FirewallConfig config = FirewallConfig.load(Path.of(args[0]));
        SequenceClassifier classifier = new RuleClassifier();
        FirewallApp app = new FirewallApp(config, classifier, FirewallTopology.defaultPolicy(config, classifier.info()),
                FirewallExtensions.defaults());
        app.start();
        new CountDownLatch(1).await();
    }
}
