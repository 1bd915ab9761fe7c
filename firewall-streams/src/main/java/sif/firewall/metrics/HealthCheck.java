package sif.firewall.metrics;

import java.util.Map;

/** Liveness and readiness of a process, served by {@link MetricsServer} under {@code /health}. */
public interface HealthCheck {

    /** False when the process should be restarted. */
    Health liveness();

    /** False when the process cannot do its work right now (do not route work to it). */
    Health readiness();

    /** Always up: for processes without dependencies worth reporting (e.g. the producer). */
    HealthCheck ALWAYS_UP = new HealthCheck() {
        @Override
        public Health liveness() {
            return Health.up(Map.of());
        }

        @Override
        public Health readiness() {
            return Health.up(Map.of());
        }
    };
}
