package sif.firewall.metrics;

import sif.metrics.Health;
import sif.metrics.HealthCheck;
import org.apache.kafka.streams.KafkaStreams;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Health of a Kafka Streams application: live unless Streams failed or stopped; ready only when
 * Streams is RUNNING <em>and</em> the broker answers (see {@link BrokerProbe}).
 */
public final class StreamsHealth implements HealthCheck {

    private final Supplier<KafkaStreams.State> state;
    private final Supplier<BrokerProbe.Status> broker;

    /** Health of {@code streams}, with broker reachability from {@code probe}. */
    public StreamsHealth(KafkaStreams streams, BrokerProbe probe) {
        this(Objects.requireNonNull(streams, "streams")::state, Objects.requireNonNull(probe, "probe")::status);
    }

    /** Health from any state and broker-status sources (tests, other wirings). */
    public StreamsHealth(Supplier<KafkaStreams.State> state, Supplier<BrokerProbe.Status> broker) {
        this.state = Objects.requireNonNull(state, "state");
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    @Override
    public Health liveness() {
        return liveness(state.get());
    }

    @Override
    public Health readiness() {
        return readiness(state.get(), broker.get());
    }

    /** Live unless Streams is in (or entering) ERROR, or has stopped (NOT_RUNNING). */
    static Health liveness(KafkaStreams.State state) {
        Map<String, String> details = Map.of("streams", state.name());
        return switch (state) {
            case ERROR, PENDING_ERROR, NOT_RUNNING -> Health.down(details);
            default -> Health.up(details);
        };
    }

    /** Ready only when Streams is RUNNING and the last broker probe succeeded. */
    static Health readiness(KafkaStreams.State state, BrokerProbe.Status broker) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("streams", state.name());
        details.put("broker", broker.reachable() ? "reachable" : "unreachable");
        if (!broker.reachable()) {
            details.put("brokerError", broker.error());
        }
        boolean ready = state == KafkaStreams.State.RUNNING && broker.reachable();
        return ready ? Health.up(details) : Health.down(details);
    }
}
