package sif.metrics;

import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness and readiness of a process, served by {@link MetricsServer} under {@code /health}. */
public interface HealthCheck {

    /** False when the process should be restarted. */
    Health liveness();

    /** False when the process cannot do its work right now (do not route work to it). */
    Health readiness();

    /** Always live; ready while {@code ready} says so (e.g. a producer while it is sending). */
    static HealthCheck readiness(BooleanSupplier ready) {
        return new HealthCheck() {
            @Override
            public Health liveness() {
                return Health.up(Map.of());
            }

            @Override
            public Health readiness() {
                return new Health(ready.getAsBoolean(), Map.of());
            }
        };
    }

    /** Always up: for processes without dependencies worth reporting. */
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
