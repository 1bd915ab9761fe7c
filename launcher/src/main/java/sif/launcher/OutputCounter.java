package sif.launcher;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.schemas.avro.Verdict;

/**
 * Reads the firewall's output topics (committed records only) and feeds a {@link VerdictTally}:
 * the demo's counts come from what actually landed on the topics, not from the firewall's memory.
 */
final class OutputCounter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputCounter.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<Verdict> verdicts;
    private final String dlqTopic;
    private final VerdictTally tally;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    OutputCounter(String bootstrapServers, List<String> verdictTopics, String dlqTopic,
                  Deserializer<Verdict> verdicts, VerdictTally tally) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sif-demo-console");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.verdicts = verdicts;
        this.dlqTopic = dlqTopic;
        this.tally = tally;
        List<String> all = new java.util.ArrayList<>(verdictTopics);
        all.add(dlqTopic);
        consumer.subscribe(all);
        this.thread = new Thread(this::run, "sif-demo-output");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(dlqTopic)) {
                        if (isFlow(r)) {
                            tally.deadLetter();
                        }
                    } else {
                        try {
                            tally.verdict(verdicts.deserialize(r.topic(), r.value()));
                        } catch (RuntimeException e) {
                            LOG.warn("unreadable verdict on {} offset {}: {}", r.topic(), r.offset(), e.getMessage());
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Whether a dead letter stands for a flow: not a control record (an identity event, an unblock)
     * that Kafka Streams could not deserialize, which the firewall dead-letters too, counted apart
     * ({@code sif_control_dead_letters_total}); flows are read as bytes and never fail there.
     */
    static boolean isFlow(ConsumerRecord<byte[], byte[]> deadLetter) {
        org.apache.kafka.common.header.Header reason = deadLetter.headers().lastHeader(sif.firewall.DlqHeaders.REASON);
        return reason == null || !sif.firewall.DlqReason.DESERIALIZATION_ERROR.equals(
                new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }
}
