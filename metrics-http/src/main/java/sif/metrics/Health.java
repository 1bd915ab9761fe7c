package sif.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outcome of a liveness or readiness check, with the facts it was based on.
 *
 * @param up      healthy
 * @param details facts behind the outcome (e.g. streams=RUNNING, broker=unreachable), in order
 */
public record Health(boolean up, Map<String, String> details) {

    public Health {
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static Health up(Map<String, String> details) {
        return new Health(true, details);
    }

    public static Health down(Map<String, String> details) {
        return new Health(false, details);
    }

    /** {@code {"status":"UP","streams":"RUNNING",...}} */
    public String toJson() {
        StringBuilder json = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append('"');
        details.forEach((k, v) -> json.append(",\"").append(escape(k)).append("\":\"").append(escape(v)).append('"'));
        return json.append('}').toString();
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
