package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static sif.firewall.TestFlows.T0;

import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;
import sif.schemas.Flows;
import sif.schemas.avro.NetworkFlow;

class FlowValidatorTest {

    private final FlowValidator validator = new FlowValidator(1e12, -1000, 300_000);
    private final NetworkFlow good = TestFlows.flow("f1", "10.0.0.1", T0, 500, 5);

    private FlowValidator.Rejection check(NetworkFlow f) {
        return validator.check(f, Flows.features(f), T0 + 3_600_000);
    }

    private FlowValidator.Rejection withFeature(String field, double v) {
        return check(TestFlows.withFeature(good, field, v));
    }

    @Test
    void aPlausibleFlowPasses() {
        assertNull(check(good));
    }

    @Test
    void realCicFlowMeterQuirksPass() {
        assertNull(withFeature("initWinBytesBackward", -1), "Init_Win_bytes -1 means no packet that way");
        assertNull(withFeature("flowIATMin", -1), "Flow IAT Min -1 occurs in real CICIDS2017 rows");
        assertNull(withFeature("flowDuration", 0));
        assertNull(withFeature("flowBytesPerSec", 2.07e9));
    }

    @Test
    void anEventTimeTooFarAheadOfTheClockIsRejected() {
        long now = T0 + 3_600_000;
        assertNull(validator.check(TestFlows.flow("f2", "10.0.0.1", now + 300_000, 500, 5),
                Flows.features(good), now), "at the allowed skew");
        NetworkFlow ahead = TestFlows.flow("f3", "10.0.0.1", now + 300_001, 500, 5);
        assertEquals(new FlowValidator.Rejection(DlqReason.BAD_TIMESTAMP, "eventTimeMs=" + (now + 300_001)
                + " is 300001 ms ahead of the firewall's clock (max validation.max.future.skew.ms=300000) in flow f3"),
                validator.check(ahead, Flows.features(ahead), now));
    }

    @Test
    void addressesMustBeIpLiterals() {
        assertEquals(new FlowValidator.Rejection(DlqReason.BAD_5TUPLE,
                "srcIp 'hello' is not an IPv4 or IPv6 address in flow f4"),
                check(TestFlows.flow("f4", "hello", T0, 500, 5)));
        assertEquals(DlqReason.BAD_5TUPLE, check(TestFlows.flow("f5", "999.1.1", T0, 500, 5)).reason());
        assertNull(check(TestFlows.flow("f6", "fe80::250:56ff:fe9f:d5d", T0, 500, 5)), "IPv6 is an address");
    }

    /**
     * What CICFlowMeter's own formulas give a degenerate flow is not bad input: a zero-duration flow's
     * rates are +Infinity (bytes/s NaN without payload), a one-packet flow's inter-arrival times NaN.
     * The same values in a flow they cannot come from are rejected.
     */
    @Test
    void theValuesCicFlowMeterLeavesUndefinedAreAcceptedOnlyForTheFlowsTheyComeFrom() {
        NetworkFlow unanswered = TestFlows.flow("probe", "10.0.0.1", T0, TestFlows.onePacketFeatures());
        assertNull(check(unanswered), "an unanswered probe");
        assertNull(check(TestFlows.withFeature(unanswered, "flowBytesPerSec", Double.POSITIVE_INFINITY)));

        double[] burst = TestFlows.features(0, 3); // several packets with payload in the same microsecond
        burst[FlowFeatures.indexOfField("flowBytesPerSec")] = Double.POSITIVE_INFINITY;
        burst[FlowFeatures.indexOfField("flowPacketsPerSec")] = Double.POSITIVE_INFINITY;
        NetworkFlow instant = TestFlows.flow("burst", "10.0.0.1", T0, burst);
        assertNull(check(instant), "a zero-duration flow of several packets (a real CICIDS2017 row)");
        assertEquals(DlqReason.NAN_FEATURE, check(TestFlows.withFeature(instant, "flowBytesPerSec", Double.NaN))
                .reason(), "bytes/s is 0/0 only without payload");
        assertEquals(DlqReason.NAN_FEATURE, check(TestFlows.withFeature(instant, "flowIATMean", Double.NaN))
                .reason(), "three packets have intervals");

        for (String f : FlowFeatures.MAY_BE_NAN) {
            assertEquals(DlqReason.NAN_FEATURE, withFeature(f, Double.NaN).reason(), f + "=NaN in a flow that lasted");
        }
        for (String f : FlowFeatures.MAY_BE_INFINITE) {
            assertEquals(DlqReason.INFINITE_FEATURE, withFeature(f, Double.POSITIVE_INFINITY).reason(),
                    f + "=Infinity in a flow that lasted");
            assertEquals(DlqReason.INFINITE_FEATURE, check(TestFlows.withFeature(unanswered, f,
                    Double.NEGATIVE_INFINITY)).reason(), f + "=-Infinity");
        }
    }

    @Test
    void eachBadValueHasItsReason() {
        assertEquals(new FlowValidator.Rejection(DlqReason.NAN_FEATURE, "totalLengthOfFwdPackets=NaN in flow f1"),
                withFeature("totalLengthOfFwdPackets", Double.NaN));
        assertEquals(new FlowValidator.Rejection(DlqReason.INFINITE_FEATURE, "fwdPacketsPerSec=Infinity in flow f1"),
                withFeature("fwdPacketsPerSec", Double.POSITIVE_INFINITY));
        assertEquals(DlqReason.INFINITE_FEATURE, withFeature("flowPacketsPerSec", Double.NEGATIVE_INFINITY).reason());
        assertEquals(DlqReason.NAN_FEATURE, withFeature("flowPacketsPerSec", Double.NaN).reason(),
                "packets/s is never 0/0: a flow has a packet");
        assertEquals(new FlowValidator.Rejection(DlqReason.NEGATIVE_FEATURE,
                "totalFwdPackets=-1.0 below its lower bound 0.0 in flow f1"), withFeature("totalFwdPackets", -1));
        assertEquals(DlqReason.NEGATIVE_FEATURE, withFeature("initWinBytesForward", -2).reason());
        assertEquals(DlqReason.NEGATIVE_FEATURE, withFeature("flowIATMin", -1001).reason());
        assertEquals(new FlowValidator.Rejection(DlqReason.ABSURD_FEATURE,
                "flowDuration=1.0E15 above the maximum 1.0E12 in flow f1"), withFeature("flowDuration", 1e15));
        assertNull(withFeature("flowDuration", 1e12), "the maximum itself is accepted");
    }

    @Test
    void fiveTupleAndTimeAreChecked() {
        NetworkFlow f = NetworkFlow.newBuilder(good).setSrcIp("").build();
        assertEquals(DlqReason.MISSING_FIELD, check(f).reason());
        f = NetworkFlow.newBuilder(good).setDstIp("  ").build();
        assertEquals(DlqReason.MISSING_FIELD, check(f).reason());
        f = NetworkFlow.newBuilder(good).setFlowId("").build();
        assertEquals(new FlowValidator.Rejection(DlqReason.MISSING_FIELD, "flowId is blank"), check(f));
        f = NetworkFlow.newBuilder(good).setSrcPort(-1).build();
        assertEquals(DlqReason.BAD_5TUPLE, check(f).reason());
        f = NetworkFlow.newBuilder(good).setDstPort(65536).build();
        assertEquals(DlqReason.BAD_5TUPLE, check(f).reason());
        f = NetworkFlow.newBuilder(good).setProtocol(256).build();
        assertEquals(DlqReason.BAD_5TUPLE, check(f).reason());
        f = NetworkFlow.newBuilder(good).setEventTimeMs(0).build();
        assertEquals(DlqReason.BAD_TIMESTAMP, check(f).reason());
    }

    @Test
    void aFlowIdOrLabelLongerThanTheVerdictsAndAlertsCanCarryIsRejected() {
        String longest = "i".repeat(FlowValidator.MAX_TEXT_CHARS);
        assertNull(check(NetworkFlow.newBuilder(good).setFlowId(longest).setLabel(longest).build()), "the limit itself");
        FlowValidator.Rejection r = check(NetworkFlow.newBuilder(good).setFlowId(longest + "i").build());
        assertEquals(DlqReason.OVERSIZED_FIELD, r.reason());
        assertEquals("flowId has 1025 characters, more than 1024: " + "i".repeat(Rejected.MAX_ID_CHARS) + "...(1025 chars)",
                r.detail(), "the detail does not repeat the whole id");
        assertEquals(new FlowValidator.Rejection(DlqReason.OVERSIZED_FIELD,
                "label has 1025 characters, more than 1024 in flow f1"),
                check(NetworkFlow.newBuilder(good).setLabel(longest + "l").build()));
    }

    /**
     * An IPv6 zone is kept as written, and the source address keys the stores, the repartition topic's
     * records and every output: 64 characters pass (an address with a zone of 40), 65 do not, before the
     * address is parsed (a 60,000-character zone once made a re-keyed record too large for its topic).
     */
    @Test
    void anAddressLongerThanAnyRealOneIsRejected() {
        String longest = "fe80::1%" + "e".repeat(FlowValidator.MAX_ADDRESS_CHARS - 8);
        assertEquals(64, longest.length());
        assertNull(check(NetworkFlow.newBuilder(good).setSrcIp(longest).setDstIp(longest).build()), "the limit itself");
        assertEquals(new FlowValidator.Rejection(DlqReason.OVERSIZED_FIELD, "srcIp has 65 characters, more than 64 in flow f1"),
                check(NetworkFlow.newBuilder(good).setSrcIp(longest + "e").build()));
        assertEquals(new FlowValidator.Rejection(DlqReason.OVERSIZED_FIELD, "dstIp has 60008 characters, more than 64 in flow f1"),
                check(NetworkFlow.newBuilder(good).setDstIp("fe80::1%" + "e".repeat(60_000)).build()));
    }
}
