package sif.kafka;

import java.nio.file.Path;
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
        EmbeddedKafka kafka = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "embedded-kafka-shutdown"));
        if (topics != null && !topics.isBlank()) {
            for (String spec : topics.split(",")) {
                String[] p = spec.strip().split(":");
                kafka.createTopic(p[0], p.length > 1 ? Integer.parseInt(p[1]) : 1, p.length > 2 && p[2].equals("compact"));
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
