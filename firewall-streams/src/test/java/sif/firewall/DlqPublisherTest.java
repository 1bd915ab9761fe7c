package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The exception handlers' publisher with its own sender thread: a dead letter the producer cannot
 * queue for want of the topic's metadata (what a real producer reports, through the callback, after
 * {@code max.block.ms} with the broker away) is tried again, not lost, and the handler's thread only
 * queues it. Before, the handler's stream thread made the send itself, blocked, and the dead letter
 * was lost.
 */
class DlqPublisherTest {

    /** Refuses the first {@code refusals} sends as a producer without the topic's metadata does. */
    static final class NoMetadataAtFirst extends MockProducer<byte[], byte[]> {
        final AtomicInteger refusals;
        final AtomicInteger attempts = new AtomicInteger();

        NoMetadataAtFirst(int refusals) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.refusals = new AtomicInteger(refusals);
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            attempts.incrementAndGet();
            if (refusals.getAndDecrement() > 0) {
                TimeoutException e = new TimeoutException("Topic " + record.topic() + " not present in metadata after 60000 ms.");
                callback.onCompletion(null, e);
                return CompletableFuture.failedFuture(e);
            }
            return super.send(record, callback);
        }
    }

    @Test
    void aDeadLetterTheProducerCouldNotQueueIsTriedAgainNotLost() throws Exception {
        NoMetadataAtFirst producer = new NoMetadataAtFirst(3);
        DlqPublisher publisher = DlqPublisher.withSender("flows.dlq", producer, 65_536, "test-dlq");
        byte[] original = "original bytes".getBytes(StandardCharsets.UTF_8);
        publisher.publish("k".getBytes(StandardCharsets.UTF_8), original, DlqHeaders.add(new RecordHeaders(),
                DlqReason.PROCESSING_ERROR, "test", "test", "flows", 0, 7));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (producer.history().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        publisher.close(Duration.ofSeconds(5));
        assertEquals(1, producer.history().size(), "delivered once, after three refusals");
        assertArrayEquals(original, producer.history().get(0).value());
        assertEquals(4, producer.attempts.get());
        assertTrue(producer.closed());
    }

    @Test
    void closeSendsWhatIsQueued() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        DlqPublisher publisher = DlqPublisher.withSender("flows.dlq", producer, 65_536, "test-dlq");
        for (int i = 0; i < 100; i++) {
            publisher.publish(new byte[] {(byte) i}, new byte[] {(byte) i}, DlqHeaders.add(new RecordHeaders(),
                    DlqReason.PROCESSING_ERROR, "test", "test", "flows", 0, i));
        }
        publisher.close(Duration.ofSeconds(5));
        assertEquals(100, producer.history().size());
    }
}
