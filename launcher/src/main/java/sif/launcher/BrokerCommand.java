package sif.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sif.kafka.EmbeddedKafka;
import sif.schemas.Topics;

/** {@code ./sif broker}: a real single-node KRaft broker on loopback, with SIF's topics, until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run an embedded single-node Kafka broker (KRaft, 127.0.0.1) with SIF's topics until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "0", description = "broker port (default: a free port)")
    int port;

    @Option(names = "--partitions", defaultValue = "2", description = "partitions of the input and blocklist topics (default: ${DEFAULT-VALUE})")
    int partitions;

    /**
     * The started broker, or null when its start failed because Ctrl-C came meanwhile ({@code stop} counted
     * down): Kafka then fails to add its own shutdown hook. A failed start closes the broker and deletes its
     * log directory either way.
     */
    static EmbeddedKafka startUnlessStopped(EmbeddedKafka.Builder builder, CountDownLatch stop) {
        try {
            return builder.start();
        } catch (RuntimeException | Error e) {
            if (stop.getCount() == 0) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            System.err.println("broker: --port must be 0 (a free port) or a port number, got " + port);
            return 2;
        }
        if (partitions < 1) {
            System.err.println("broker: --partitions must be at least 1, got " + partitions);
            return 2;
        }
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        if (port > 0) {
            builder.brokerPort(port);
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // before the broker starts: Ctrl-C while it starts still stops it and deletes its log directory
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try { // let close() stop the broker and delete its temporary log directory
                closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sif-broker-shutdown"));
        try (EmbeddedKafka kafka = startUnlessStopped(builder, stop)) {
            if (kafka == null) {
                return 130;
            }
            if (stop.getCount() > 0) {
                Topics topics = Topics.defaults();
                for (String t : topics.all()) {
                    // the blocklist like the flows: an operator's unblock must reach the task holding the entry
                    boolean flowKeyed = t.equals(topics.input()) || t.equals(topics.blocklist());
                    kafka.createTopic(t, flowKeyed ? partitions : 1, topics.creationConfig(t));
                }
                System.out.println("BOOTSTRAP=" + kafka.bootstrapServers());
                System.out.println("topics: " + String.join(", ", topics.all()) + " (Ctrl-C to stop)");
            }
            stop.await();
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
