package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which stream-thread deaths the firewall survives by replacing the thread, and how often. */
class FirewallAppTest {

    @Test
    void aThreadThatDiedWithAnAbortedTransactionIsReplaced() {
        // what Kafka Streams 4.1 throws from handleCorruption when a send timed out inside the transaction
        Throwable aborted = new StreamsException("Error encountered trying to commit a transaction",
                new KafkaException("Cannot execute transactional method because we are in an error state",
                        new TransactionAbortableException("Transaction Request was aborted after exhausting retries.",
                                new TimeoutException("Topic t not present in metadata after 60000 ms."))));
        assertTrue(FirewallApp.abortedTransaction(aborted));
        // the other form, from expired batches whose sequences cannot be resolved (seen in CI)
        assertTrue(FirewallApp.abortedTransaction(new StreamsException(
                "Error encountered trying to commit a transaction [stream-thread [main]]",
                new org.apache.kafka.common.KafkaException("Cannot execute transactional method because we are in an "
                        + "error state", new org.apache.kafka.common.KafkaException("The client hasn't received "
                        + "acknowledgment for some previously sent messages and can no longer retry them. It is safe to "
                        + "abort the transaction and continue.")))));
        // a fenced producer is not abortable: Kafka Streams handles fencing itself
        assertFalse(FirewallApp.abortedTransaction(new StreamsException("Error encountered trying to commit",
                new org.apache.kafka.common.errors.ProducerFencedException("There is a newer producer"))));
        // a send the handler failed (e.g. a topic the cluster does not know) is not
        assertFalse(FirewallApp.abortedTransaction(new StreamsException("Error encountered sending record to topic t",
                new TimeoutException("Topic t not present in metadata after 60000 ms."))));
        assertFalse(FirewallApp.abortedTransaction(new IllegalStateException("a bug")));
    }

    @Test
    void replacementsAreBoundedWithinTheirWindow() {
        FirewallApp.Replacements r = new FirewallApp.Replacements(2, Duration.ofMinutes(10));
        long t0 = 1_000_000_000L;
        long minute = Duration.ofMinutes(1).toNanos();
        assertTrue(r.allow(t0));
        assertTrue(r.allow(t0 + minute));
        assertFalse(r.allow(t0 + 2 * minute), "a third within 10 minutes: the cause lasts, stop");
        assertEquals(2, r.total());
        assertTrue(r.allow(t0 + 10 * minute + 1), "the first has left the window");
        assertFalse(r.allow(t0 + 10 * minute + 2), "two in the window again");
        assertEquals(3, r.total());
    }
}
