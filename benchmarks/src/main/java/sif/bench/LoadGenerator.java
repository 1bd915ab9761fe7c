package sif.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces benchmark flows to an input topic, keyed by source IP, each record's timestamp set to the
 * wall clock at send time (the start of its produce→verdict latency): either as fast as possible
 * (to pre-load a topic) or paced at a fixed rate (an open-loop load: the schedule does not wait
 * for the firewall).
 */
public final class LoadGenerator implements AutoCloseable {

    /** @param sent records acknowledged; @param errors records that failed; @param seconds wall time of sending */
    /**
     * @param maxSendLagMs how far behind its schedule the paced sender got at worst (0 for a pre-load):
     *                     a flow is stamped with its scheduled time, so its latency includes that wait
     * @param lateShare    share of paced flows sent more than 1 ms after their scheduled time
     */
    public record Sent(long sent, long errors, double seconds, double achievedRate, long maxSendLagMs,
                       double lateShare) {}

    private static final AtomicLong CLIENTS = new AtomicLong();
    private final org.apache.kafka.clients.producer.Producer<String, byte[]> producer;
    private final BenchFlows.Encoder encoder;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    /**
     * @param lingerMs producer linger: larger for pre-loading (throughput), 0 for paced loads (latency)
     */
    public LoadGenerator(Map<String, Object> clientConfig, BenchFlows.Encoder encoder, int lingerMs) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "sif-bench-loadgen-" + CLIENTS.incrementAndGet());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, lingerMs > 0 ? 512 * 1024 : 64 * 1024);
        c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        this.producer = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
        this.encoder = encoder;
    }

    /** On a producer of the caller's (tests). */
    LoadGenerator(org.apache.kafka.clients.producer.Producer<String, byte[]> producer, BenchFlows.Encoder encoder) {
        this.producer = producer;
        this.encoder = encoder;
    }

    /** Sends {@code n} flows as fast as the producer takes them, then flushes. */
    public Sent preload(String topic, long n, LongConsumer progress) {
        return named(() -> doPreload(topic, n, progress));
    }

    private Sent doPreload(String topic, long n, LongConsumer progress) {
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            send(topic, i);
            if ((i & 0x3FFF) == 0) {
                progress.accept(i);
            }
        }
        producer.flush();
        progress.accept(n);
        double s = (System.nanoTime() - t0) / 1e9;
        return result(s);
    }

    /**
     * Sends at {@code rate} flows per second for {@code duration} (flow k is due at
     * {@code start + k / rate}; late flows are sent at once, so the offered load is kept on average),
     * then flushes.
     */
    public Sent paced(String topic, double rate, Duration duration, LongConsumer progress) {
        return named(() -> doPaced(topic, rate, duration, progress));
    }

    /**
     * Runs {@code body} on a thread of its own named as the harness's, so that its CPU is attributed to
     * the harness: the resource sampler groups threads by name when it stops, after the body returned
     * (renaming the caller's thread for the duration put the sender's CPU under the broker's).
     */
    static Sent named(java.util.function.Supplier<Sent> body) {
        java.util.concurrent.atomic.AtomicReference<Sent> result = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(body.get());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                ResourceSampler.harnessThreadEnded(
                        java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }
        }, "sif-bench-loadgen");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        }
        if (failure.get() instanceof RuntimeException e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    private Sent doPaced(String topic, double rate, Duration duration, LongConsumer progress) {
        long total = (long) (rate * duration.toNanos() / 1e9);
        double nanosPerFlow = 1e9 / rate;
        long t0 = System.nanoTime();
        long wall0 = System.currentTimeMillis();
        long maxLagNanos = 0;
        long late = 0;
        for (long i = 0; i < total; i++) {
            long due = t0 + (long) (i * nanosPerFlow);
            long wait = due - System.nanoTime();
            if (wait > 50_000) {
                LockSupport.parkNanos(wait);
            }
            long lag = System.nanoTime() - due;
            maxLagNanos = Math.max(maxLagNanos, lag);
            if (lag > 1_000_000) {
                late++;
            }
            // stamped with its scheduled time, not the time it could be sent: a sender held up (a GC pause,
            // a starved CPU) would otherwise leave the flows due meanwhile out of the latency (coordinated omission)
            send(topic, i, wall0 + (long) (i * nanosPerFlow / 1e6));
            if ((i & 0x3FF) == 0) {
                progress.accept(i);
            }
        }
        producer.flush();
        progress.accept(total);
        return result((System.nanoTime() - t0) / 1e9, maxLagNanos / 1_000_000, total == 0 ? 0 : (double) late / total);
    }

    private void send(String topic, long i) {
        send(topic, i, System.currentTimeMillis());
    }

    private void send(String topic, long i, long now) {
        byte[] value = encoder.encode(i, now, topic);
        producer.send(new ProducerRecord<>(topic, null, now, encoder.key(i), value), (md, e) -> {
            if (e == null) {
                acked.incrementAndGet();
            } else {
                errors.incrementAndGet();
                firstError.compareAndSet(null, e);
            }
        });
    }

    private Sent result(double seconds) {
        return result(seconds, 0, 0);
    }

    private Sent result(double seconds, long maxSendLagMs, double lateShare) {
        Exception e = firstError.get();
        if (e != null && acked.get() == 0) {
            throw new IllegalStateException("the broker accepted no benchmark flow: " + e, e);
        }
        Sent s = new Sent(acked.get(), errors.get(), seconds, acked.get() / seconds, maxSendLagMs, lateShare);
        acked.set(0);
        errors.set(0);
        return s;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
