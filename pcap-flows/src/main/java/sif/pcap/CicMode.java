package sif.pcap;

/** Which CICFlowMeter behaviour the extractor reproduces. */
public enum CicMode {
    /**
     * CICFlowMeter V4.0 (ahlashkari/CICFlowMeter): a backward FIN ends the flow at once and the rest
     * of the teardown starts a new flow ("TCP appendices"); its feature quirks are kept, because they
     * are what CICIDS2017 and so the model were made with.
     */
    V4,
    /**
     * The corrected CICFlowMeter of Engelen et al. (GintsEngelen/CICFlowMeter): a TCP flow ends after
     * FINs in both directions and the final ACK, or an RST, and only when the next connection's SYN
     * arrives (or on timeout); PSH/URG counts, Down/Up ratio, bulk direction and backward initial window
     * fixed.
     */
    ENGELEN;

    /** Parses {@code v4} or {@code engelen} (case-insensitive). */
    public static CicMode parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "v4", "v4.0", "cicflowmeter" -> V4;
            case "engelen", "corrected" -> ENGELEN;
            default -> throw new IllegalArgumentException("unknown mode '" + s + "', expected v4 or engelen");
        };
    }
}
