package sif.producer.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import sif.producer.FlowReplayer;
import sif.producer.identity.IdentityEmitter;

/**
 * The producer's Micrometer meters, read from the replayer's own counters (no double counting):
 *
 * <ul>
 *   <li>{@code sif_producer_sent_total}: flows acknowledged by the broker</li>
 *   <li>{@code sif_producer_errors_total}: flows whose delivery failed</li>
 *   <li>{@code sif_producer_identity_sent_total}, {@code sif_producer_identity_errors_total}: the
 *       SIMULATED identity events of {@code --identities} (only when enabled)</li>
 * </ul>
 *
 * The send rate is {@code rate(sif_producer_sent_total[1m])} in PromQL; no gauge duplicates it.
 */
public final class ProducerMetrics {

    private ProducerMetrics() {}

    /** A Prometheus registry with the producer's meters bound. {@code identities} may be null. */
    public static PrometheusMeterRegistry prometheus(FlowReplayer replayer, IdentityEmitter identities) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bind(registry, replayer, identities);
        return registry;
    }

    /** Registers the meters on {@code registry}. {@code identities} may be null. */
    public static void bind(MeterRegistry registry, FlowReplayer replayer, IdentityEmitter identities) {
        Objects.requireNonNull(replayer, "replayer");
        FunctionCounter.builder("sif.producer.sent", replayer, FlowReplayer::sentTotal)
                .description("flows acknowledged by the broker").register(registry);
        FunctionCounter.builder("sif.producer.errors", replayer, FlowReplayer::errorsTotal)
                .description("flows whose delivery failed").register(registry);
        if (identities != null) {
            FunctionCounter.builder("sif.producer.identity.sent", identities, IdentityEmitter::sentTotal)
                    .description("SIMULATED identity events acknowledged by the broker").register(registry);
            FunctionCounter.builder("sif.producer.identity.errors", identities, IdentityEmitter::errorsTotal)
                    .description("SIMULATED identity events whose delivery failed").register(registry);
        }
    }
}
