package sif.firewall.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Exposes the flow producer's own counters ({@code sif_producer_sent_total},
 * {@code sif_producer_errors_total}) in a registry, reading them from the producer when scraped
 * (the producer module keeps plain counters and stays free of Micrometer).
 */
public final class ProducerMetrics {

    private ProducerMetrics() {
    }

    /**
     * @param sent   records acknowledged by the broker so far
     * @param errors records that failed to send so far
     */
    public static void bind(MeterRegistry registry, LongSupplier sent, LongSupplier errors) {
        Objects.requireNonNull(sent, "sent");
        Objects.requireNonNull(errors, "errors");
        FunctionCounter.builder("sif.producer.sent", sent, s -> s.getAsLong())
                .description("Flow records sent by the producer and acknowledged")
                .register(registry);
        FunctionCounter.builder("sif.producer.errors", errors, s -> s.getAsLong())
                .description("Flow records the producer failed to send")
                .register(registry);
    }
}
