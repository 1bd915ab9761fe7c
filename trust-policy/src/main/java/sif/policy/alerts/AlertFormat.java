package sif.policy.alerts;

import java.util.Locale;

/** Wire format of alert documents on the {@code alerts} topic. */
public enum AlertFormat {
    /** Elastic Common Schema document (nested objects), {@code event.kind: alert}. */
    ECS,
    /** OCSF 1.x Detection Finding (class_uid 2004). */
    OCSF;

    /** Parses "ecs" / "ocsf" (case-insensitive). */
    public static AlertFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("alert format must be 'ecs' or 'ocsf', got '" + s + "'", e);
        }
    }
}
