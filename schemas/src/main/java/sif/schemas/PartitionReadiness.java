package sif.schemas;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Waits until every partition of just-created topics takes writes. The controller acknowledges a
 * creation before the broker has applied it, and a broker publishes the new metadata (what {@code
 * describeTopics} and producers see: a leader) before its replica manager has made the partition
 * (what a produce request needs). A producer that sends in that gap gets a retriable {@code
 * NOT_LEADER_OR_FOLLOWER}; with several requests in flight, an idempotent producer can then lose its
 * first batch: a later request is appended, and every retry of the first fails with {@code
 * OUT_OF_ORDER_SEQUENCE_NUMBER} until its delivery timeout (KAFKA-15591, fixed in a later Kafka).
 * So this waits until every partition has a leader and that leader answers a {@code ListOffsets}
 * request, which, like a produce request, needs the partition to exist in the replica manager.
 */
public final class PartitionReadiness {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private PartitionReadiness() {}

    /**
     * Returns when every partition of {@code topics} is led and answers ListOffsets on its leader.
     * Retriable errors (the topic not yet known, no leader yet, not yet leader) are retried until
     * {@code timeout}.
     *
     * @throws TimeoutException when that does not happen within {@code timeout}; its message names
     *     what was still missing
     * @throws ExecutionException on a non-retriable error (e.g. not authorized)
     */
    public static void await(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String missing;
        while (true) {
            try {
                missing = check(admin, topics, deadline);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
                missing = e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
            } catch (TimeoutException e) {
                missing = "no answer from the cluster";
            }
            if (missing == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("partitions of " + topics + " not writable within " + timeout.toMillis()
                        + " ms (" + missing + ")");
            }
            LockSupport.parkNanos(POLL_NANOS); // the admin client offers no metadata listener: poll
            if (Thread.interrupted()) {
                throw new InterruptedException("waiting for the partitions of " + topics);
            }
        }
    }

    /** Null when every partition is ready; else what is not. Each admin call gets the time left until the deadline. */
    private static String check(Admin admin, Collection<String> topics, long deadline)
            throws InterruptedException, TimeoutException, ExecutionException {
        int timeoutMs = msUntil(deadline);
        Map<String, TopicDescription> described = admin.describeTopics(topics, new DescribeTopicsOptions()
                .timeoutMs(timeoutMs)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (TopicDescription d : described.values()) {
            if (d.partitions().isEmpty()) {
                return "topic " + d.name() + " has no partitions yet";
            }
            for (var p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return d.name() + "-" + p.partition() + " has no leader";
                }
                partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            }
        }
        timeoutMs = msUntil(deadline);
        admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(timeoutMs)).all()
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        return null;
    }

    /** Milliseconds until {@code deadline} ({@link System#nanoTime()}), at least 1. */
    private static int msUntil(long deadline) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }
}
