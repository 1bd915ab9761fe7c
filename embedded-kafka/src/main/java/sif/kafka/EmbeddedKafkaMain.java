package sif.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafka} until interrupted (Ctrl-C), for {@code ./sif} users and manual
 * testing. Prints {@code BOOTSTRAP=127.0.0.1:<port>} on one line once the broker is ready.
 *
 * <pre>
 * EmbeddedKafkaMain [--port N] [--controller-port N] [--log-dir DIR] [--topics name:partitions[:compact],...]
 * </pre>
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        String topics = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> builder.brokerPort(Integer.parseInt(value(args, ++i, a)));
                case "--controller-port" -> builder.controllerPort(Integer.parseInt(value(args, ++i, a)));
                case "--log-dir" -> builder.logDir(Path.of(value(args, ++i, a)));
                case "--topics" -> topics = value(args, ++i, a);
                case "-h", "--help" -> {
                    System.out.println("usage: EmbeddedKafkaMain [--port N] [--controller-port N] [--log-dir DIR]"
                            + " [--topics name:partitions[:compact],...]\n"
                            + "Starts a single-node KRaft Kafka broker on 127.0.0.1 until Ctrl-C; a given --log-dir"
                            + " is kept, otherwise a temporary one is deleted on exit.");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + a + " (try --help)");
                    System.exit(2);
                }
            }
        }
        // checked before the broker starts: a bad spec must not leave a broker running with no one to stop it
        List<String[]> specs = new ArrayList<>();
        if (topics != null && !topics.isBlank()) {
            for (String spec : topics.split(",")) {
                String[] p = spec.strip().split(":");
                boolean ok = p.length <= 3 && !p[0].isBlank() && (p.length < 3 || p[2].equals("compact"));
                try {
                    ok &= p.length < 2 || Integer.parseInt(p[1]) >= 1;
                } catch (NumberFormatException e) {
                    ok = false;
                }
                if (!ok) {
                    System.err.println("--topics: '" + spec.strip() + "' is not name[:partitions>=1[:compact]]");
                    System.exit(2);
                }
                specs.add(p);
            }
        }
        EmbeddedKafka kafka = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        for (String[] p : specs) {
            try {
                kafka.createTopic(p[0], p.length > 1 ? Integer.parseInt(p[1]) : 1, p.length > 2);
            } catch (RuntimeException e) {
                System.err.println("cannot create topic " + p[0] + ": " + e.getMessage());
                System.exit(2); // the shutdown hook stops the broker
            }
        }
        System.out.println("BOOTSTRAP=" + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
