package sif.firewall;

import sif.flows.FlowFeatures;
import sif.schemas.Flows;
import sif.schemas.avro.NetworkFlow;
import sif.trust.IpAddress;

/**
 * Decides whether a decoded flow is fit for the model. Pure: no Kafka, no state.
 *
 * <p>Rules, in order (the first that fails is the reason):
 * <ol>
 *   <li>flow id, source and destination address present and non-blank ({@link DlqReason#MISSING_FIELD});</li>
 *   <li>flow id and label at most {@value #MAX_TEXT_CHARS} characters ({@link DlqReason#OVERSIZED_FIELD}):
 *       both travel into the verdict, the alert documents and the blocklist entries (samples of flow
 *       ids), and one megabyte-long id would make those records too large for their topics;</li>
 *   <li>addresses at most {@value #MAX_ADDRESS_CHARS} characters ({@link DlqReason#OVERSIZED_FIELD}): an
 *       IPv6 zone ({@code %eth0}) is kept as written, and the source address keys every store, the
 *       re-keyed flows' repartition topic, the verdicts, alerts and blocklist entries;</li>
 *   <li>addresses IPv4 or IPv6 literals (the source address keys every store, the blocklist and the
 *       SIEM alerts), ports in 0..65535, protocol in 0..255 ({@link DlqReason#BAD_5TUPLE});</li>
 *   <li>event time a positive epoch-ms value, at most {@code maxFutureSkewMs} ahead of the firewall's
 *       wall clock ({@link DlqReason#BAD_TIMESTAMP}): the blocklist, alert and sequence clocks follow
 *       the largest event time seen, so one flow dated years ahead would expire every block and alert
 *       and evict every sequence from then on;</li>
 *   <li>every feature finite ({@link DlqReason#NAN_FEATURE}, {@link DlqReason#INFINITE_FEATURE}), but for
 *       what CICFlowMeter's own formulas leave undefined (see below);</li>
 *   <li>every feature at least its lower bound ({@link DlqReason#NEGATIVE_FEATURE}): 0 for counts,
 *       lengths, rates and flags; -1 for {@code Init_Win_bytes_*} (CICFlowMeter's "no packet in that
 *       direction"); {@code minTimingValue} for Flow Duration and the IAT features (CICFlowMeter
 *       writes small negative values when packet timestamps are out of order, e.g. Flow IAT Min = -1
 *       in real CICIDS2017 rows);</li>
 *   <li>every feature at most {@code maxFeatureValue} ({@link DlqReason#ABSURD_FEATURE}).</li>
 * </ol>
 * CICFlowMeter divides by the flow's duration for {@code Flow Bytes/s} and {@code Flow Packets/s}, and
 * takes the inter-arrival statistics ({@code Flow IAT Mean/Std/Max/Min}) over no interval at all in a
 * one-packet flow: a zero-duration flow has {@code Flow Packets/s = Infinity} and {@code Flow Bytes/s
 * = Infinity} (or NaN, 0/0, without payload), a one-packet flow (which the corrected CICFlowMeter
 * writes, and SIF's extractor in that mode) NaN inter-arrival times. CICIDS2017 holds such rows (one
 * of the real rows here), and these are real flows — unanswered scan probes are one-packet flows — so
 * they are decided, not dead-lettered: the model's scaler maps NaN to 0 and +Infinity to the largest
 * value seen in training, as it did when it was trained ({@code FeatureScaler}). Any other non-finite
 * value — a NaN packet count, -Infinity anywhere, an infinite rate of a flow that lasted, NaN
 * inter-arrival times of a flow of several packets — is not something a flow meter writes, and is
 * rejected ({@link FlowFeatures#undefinedByCicFlowMeter}).
 */
public final class FlowValidator {

    /** Why a flow was rejected. */
    public record Rejection(String reason, String detail) {}

    private static final double[] LOWER_BOUND_TEMPLATE = new double[FlowFeatures.COUNT];
    private static final boolean[] TIMING = new boolean[FlowFeatures.COUNT];

    static {
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            String f = FlowFeatures.ALL.get(i).fieldName();
            TIMING[i] = f.equals("flowDuration") || f.contains("IAT");
            LOWER_BOUND_TEMPLATE[i] = f.startsWith("initWinBytes") ? -1 : 0;
        }
    }

    /** Longest flow id or label accepted (CICFlowMeter's ids are under 100 characters). */
    public static final int MAX_TEXT_CHARS = 1024;
    /**
     * Longest address accepted: IPv6 text takes at most 45 characters, and a zone names an interface
     * (Linux: at most 15 characters) or its index.
     */
    public static final int MAX_ADDRESS_CHARS = 64;

    private final double maxFeatureValue;
    private final double[] lowerBound;
    private final long maxFutureSkewMs;

    /**
     * @param maxFeatureValue largest plausible value of any feature
     * @param minTimingValue  lowest accepted value (<= 0) of Flow Duration and the IAT features, in µs
     * @param maxFutureSkewMs how far (ms, >= 0) an event time may lie ahead of the wall clock
     */
    public FlowValidator(double maxFeatureValue, double minTimingValue, long maxFutureSkewMs) {
        this.maxFeatureValue = maxFeatureValue;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.lowerBound = LOWER_BOUND_TEMPLATE.clone();
        for (int i = 0; i < FlowFeatures.COUNT; i++) {
            if (TIMING[i]) {
                lowerBound[i] = minTimingValue;
            }
        }
    }

    /**
     * Checks an input record's timestamp, before its value is decoded: at most {@code maxFutureSkewMs}
     * ahead of the wall clock ({@link DlqReason#BAD_TIMESTAMP}). The verdict inherits it, and a topic
     * refuses records more than {@code message.timestamp.after.max.ms} (1 hour by default) ahead of
     * the broker's clock, which under exactly-once stops the firewall.
     *
     * @return {@code null} when it is fine
     */
    public Rejection checkRecordTimestamp(long timestampMs, long nowMs) {
        if (timestampMs - nowMs > maxFutureSkewMs) {
            return new Rejection(DlqReason.BAD_TIMESTAMP, "record timestamp " + timestampMs + " is "
                    + (timestampMs - nowMs) + " ms ahead of the firewall's clock (more than "
                    + FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS + "=" + maxFutureSkewMs + ")");
        }
        return null;
    }

    /**
     * The rejection of a record {@link FutureStampGuard} held back: its timestamp {@code timestampMs} was
     * before the epoch or more than the skew ahead of the wall clock when it was read.
     */
    public Rejection heldBackTimestamp(long timestampMs, long nowMs) {
        Rejection ahead = checkRecordTimestamp(timestampMs, nowMs);
        if (ahead != null) {
            return ahead;
        }
        return new Rejection(DlqReason.BAD_TIMESTAMP, "record timestamp " + timestampMs + (timestampMs < 0
                ? " is before the epoch" : " was more than " + FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS + "="
                + maxFutureSkewMs + " ms ahead of the firewall's clock when it was read"));
    }

    public static FlowValidator from(FirewallConfig config) {
        return new FlowValidator(config.maxFeatureValue(), config.minTimingValue(), config.maxFutureSkew().toMillis());
    }

    /**
     * Checks {@code flow}; its features are {@code features} ({@link Flows#features} order).
     *
     * @param nowMs the firewall's wall clock (epoch ms)
     * @return {@code null} when the flow is valid, else the first rule it breaks
     */
    public Rejection check(NetworkFlow flow, double[] features, long nowMs) {
        if (blank(flow.getFlowId())) {
            return new Rejection(DlqReason.MISSING_FIELD, "flowId is blank");
        }
        if (flow.getFlowId().length() > MAX_TEXT_CHARS) {
            return new Rejection(DlqReason.OVERSIZED_FIELD, "flowId has " + flow.getFlowId().length()
                    + " characters, more than " + MAX_TEXT_CHARS + ": " + Rejected.shortId(flow.getFlowId()));
        }
        if (flow.getLabel() != null && flow.getLabel().length() > MAX_TEXT_CHARS) {
            return new Rejection(DlqReason.OVERSIZED_FIELD, "label has " + flow.getLabel().length()
                    + " characters, more than " + MAX_TEXT_CHARS + " in flow " + flow.getFlowId());
        }
        if (blank(flow.getSrcIp())) {
            return new Rejection(DlqReason.MISSING_FIELD, "srcIp is blank in flow " + flow.getFlowId());
        }
        if (blank(flow.getDstIp())) {
            return new Rejection(DlqReason.MISSING_FIELD, "dstIp is blank in flow " + flow.getFlowId());
        }
        Rejection address = tooLong("srcIp", flow.getSrcIp(), flow);
        if (address == null) {
            address = tooLong("dstIp", flow.getDstIp(), flow);
        }
        if (address != null) {
            return address;
        }
        address = notAnAddress("srcIp", flow.getSrcIp(), flow);
        if (address == null) {
            address = notAnAddress("dstIp", flow.getDstIp(), flow);
        }
        if (address != null) {
            return address;
        }
        if (flow.getSrcPort() < 0 || flow.getSrcPort() > 65535) {
            return new Rejection(DlqReason.BAD_5TUPLE, "srcPort=" + flow.getSrcPort() + " outside 0..65535 in flow "
                    + flow.getFlowId());
        }
        if (flow.getDstPort() < 0 || flow.getDstPort() > 65535) {
            return new Rejection(DlqReason.BAD_5TUPLE, "dstPort=" + flow.getDstPort() + " outside 0..65535 in flow "
                    + flow.getFlowId());
        }
        if (flow.getProtocol() < 0 || flow.getProtocol() > 255) {
            return new Rejection(DlqReason.BAD_5TUPLE, "protocol=" + flow.getProtocol() + " outside 0..255 in flow "
                    + flow.getFlowId());
        }
        if (flow.getEventTimeMs() <= 0) {
            return new Rejection(DlqReason.BAD_TIMESTAMP, "eventTimeMs=" + flow.getEventTimeMs()
                    + " is not a positive epoch-ms value in flow " + flow.getFlowId());
        }
        if (flow.getEventTimeMs() - nowMs > maxFutureSkewMs) {
            return new Rejection(DlqReason.BAD_TIMESTAMP, "eventTimeMs=" + flow.getEventTimeMs() + " is "
                    + (flow.getEventTimeMs() - nowMs) + " ms ahead of the firewall's clock (max "
                    + FirewallConfig.VALIDATION_MAX_FUTURE_SKEW_MS + "=" + maxFutureSkewMs + ") in flow "
                    + flow.getFlowId());
        }
        for (int i = 0; i < features.length; i++) {
            double v = features[i];
            if (v >= lowerBound[i] && v <= maxFeatureValue) {
                continue; // the hot path: one comparison pair per feature
            }
            if (FlowFeatures.undefinedByCicFlowMeter(i, v, features)) {
                continue; // CICFlowMeter's own value for a degenerate flow (see the class comment)
            }
            String name = FlowFeatures.ALL.get(i).fieldName();
            if (Double.isNaN(v)) {
                return new Rejection(DlqReason.NAN_FEATURE, name + "=NaN in flow " + flow.getFlowId());
            }
            if (Double.isInfinite(v)) {
                return new Rejection(DlqReason.INFINITE_FEATURE, name + "=" + v + " in flow " + flow.getFlowId());
            }
            if (v < lowerBound[i]) {
                return new Rejection(DlqReason.NEGATIVE_FEATURE, name + "=" + v + " below its lower bound "
                        + lowerBound[i] + " in flow " + flow.getFlowId());
            }
            return new Rejection(DlqReason.ABSURD_FEATURE, name + "=" + v + " above the maximum " + maxFeatureValue
                    + " in flow " + flow.getFlowId());
        }
        return null;
    }

    private static Rejection tooLong(String field, CharSequence ip, NetworkFlow flow) {
        return ip.length() <= MAX_ADDRESS_CHARS ? null : new Rejection(DlqReason.OVERSIZED_FIELD, field + " has "
                + ip.length() + " characters, more than " + MAX_ADDRESS_CHARS + " in flow " + flow.getFlowId());
    }

    private static Rejection notAnAddress(String field, CharSequence ip, NetworkFlow flow) {
        // the canonical text (a dotted quad as it is, no allocation) is what the validate step keys by next
        return IpAddress.canonical(ip.toString()) != null ? null : new Rejection(DlqReason.BAD_5TUPLE,
                field + " '" + ip + "' is not an IPv4 or IPv6 address in flow " + flow.getFlowId());
    }

    private static boolean blank(CharSequence s) {
        return s == null || s.toString().isBlank();
    }
}
