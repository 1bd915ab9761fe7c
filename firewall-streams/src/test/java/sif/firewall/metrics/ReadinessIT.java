package sif.firewall.metrics;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.kafka.EmbeddedKafka;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /health/ready} on a real broker: ready while Streams runs and the broker answers; not
 * ready once the broker goes away (although Streams still reports RUNNING); ready again when it
 * returns on the same port and data. Liveness stays up throughout.
 *
 * <p>The Streams app here is a minimal stateful one (this test is about health, not the
 * firewall's logic); the firewall wires the same classes around its own topology.
 */
class ReadinessIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void readinessFollowsStreamsStateAndBrokerReachability(@TempDir Path stateDir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of("in", 2, "out", 2));

            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sif-readiness-it");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);

            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()).withName("source"))
                    .groupByKey()
                    .count(Named.as("count"), Materialized.as("counts"))
                    .toStream(Named.as("counts-stream"))
                    .to("out", Produced.with(Serdes.String(), Serdes.Long()).withName("sink"));

            try (PrometheusFirewallMetrics metrics = FirewallMetrics.prometheus(List.of("BENIGN"));
                 KafkaStreams streams = new KafkaStreams(builder.build(), props);
                 BrokerProbe probe = BrokerProbe.start(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                         kafka.bootstrapServers()), Duration.ofMillis(500), Duration.ofSeconds(1));
                 MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                         metrics.registry()::scrape, new StreamsHealth(streams, probe))) {
                metrics.bindKafkaStreams(streams);
                String base = "http://127.0.0.1:" + server.port();

                HttpResponse<String> before = HttpPoll.get(base + "/health/ready");
                assertEquals(503, before.statusCode(), "not ready before start: " + before.body());

                streams.start();
                HttpPoll.await(base + "/health/ready", r -> r.statusCode() == 200, WAIT, "ready after start");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(), new StringSerializer())) {
                    for (int i = 0; i < 100; i++) {
                        producer.send(new ProducerRecord<>("in", "k" + (i % 7), "v" + i));
                    }
                }

                kafka.stop();
                HttpResponse<String> down = HttpPoll.await(base + "/health/ready", r -> r.statusCode() == 503, WAIT,
                        "not ready once the broker is gone");
                assertTrue(down.body().contains("\"broker\":\"unreachable\""), down.body());
                assertEquals(200, HttpPoll.get(base + "/health/live").statusCode(), "still live without broker");

                kafka.restart();
                HttpResponse<String> back = HttpPoll.await(base + "/health/ready", r -> r.statusCode() == 200, WAIT,
                        "ready again once the broker is back");
                assertEquals("{\"status\":\"UP\",\"streams\":\"RUNNING\",\"broker\":\"reachable\"}", back.body());
                assertEquals(200, HttpPoll.get(base + "/health/live").statusCode());

                String scrape = HttpPoll.get(base + "/metrics").body();
                assertTrue(scrape.contains("kafka_stream_thread_"), "Kafka Streams client metrics are exported");
                String dump = System.getProperty("sif.metrics.dump");
                if (dump != null) {
                    java.nio.file.Files.writeString(Path.of(dump), scrape);
                }
            }
        }
    }
}
