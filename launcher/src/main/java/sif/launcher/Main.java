package sif.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import sif.bench.BenchCommand;
import sif.firewall.FirewallCommand;
import sif.model.train.CrossDatasetCommand;
import sif.model.train.EvaluateCommand;
import sif.model.train.TrainCommand;
import sif.pcap.FlowsCommand;
import sif.pcap.lab.LabCommand;
import sif.producer.ReplayCommand;

/** {@code ./sif}: the one entry point for every user task. */
@Command(name = "sif", mixinStandardHelpOptions = true, version = "SIF 0.1.0",
        description = {"SIF, a streaming intelligent firewall on Kafka: CICFlowMeter flows in, an LSTM per",
                "source IP, zero trust and policy, allow / block / alert out.", ""},
        subcommands = {
                DemoCommand.class,
                ReplayCommand.class,
                FirewallCommand.class,
                TrainCommand.class,
                EvaluateCommand.class,
                CrossDatasetCommand.class,
                FlowsCommand.class,
                LabCommand.class,
                BenchCommand.class,
                BrokerCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
