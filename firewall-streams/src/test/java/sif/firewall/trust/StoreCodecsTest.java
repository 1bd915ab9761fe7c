package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import sif.policy.Decision;
import sif.policy.alerts.Alert;
import sif.trust.IdentityStatus;
import sif.trust.SourceState;

/** The binary formats of the trust stores: round trips, pinned bytes, corrupt and unknown values. */
class StoreCodecsTest {

    static final long T0 = 1_499_443_200_000L;
    static final HexFormat HEX = HexFormat.of();

    static SourceState sourceState(IdentityStatus status) {
        return new SourceState("spiffe://cicids2017.sim/host/192.168.10.5", "s1", T0 - 5_000, 17, T0 - 1_000, T0,
                status);
    }

    static BlocklistEntry blocklistEntry(int ids) {
        List<String> verdictIds = new ArrayList<>();
        for (int i = 0; i < ids; i++) {
            verdictIds.add("172.16.0.1-192.168.10.50-" + (54_100 + i) + "-80-6");
        }
        return new BlocklistEntry("172.16.0.1", T0 + 600_000, T0 - 9_000, T0, "model:DDoS p=0.970>0.850=>BLOCK",
                verdictIds, 1_234_567, T0 + 300_000);
    }

    static Alert alert(Decision decision, IdentityStatus status, String principal, String modelVersion) {
        List<String> flowIds = new ArrayList<>();
        List<String> destinations = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            flowIds.add("172.16.0.1-192.168.10." + (50 + i % 3) + "-" + (40_000 + i) + "-80-6");
            destinations.add("192.168.10." + (50 + i));
            ports.add(i == 0 ? 0 : i == 1 ? 65_535 : 80 + i);
        }
        String seed = "172.16.0.1|DDoS|" + T0;
        return new Alert(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString(), "172.16.0.1",
                "DDoS", 100_000, T0, T0 + 50_000, decision, "model:DDoS p=0.970>0.850=>BLOCK",
                List.of("identity:UNKNOWN no identity bound to 172.16.0.1", "model:DDoS p=0.970>0.850=>BLOCK",
                        "zero-trust:UNKNOWN"),
                0.9731, principal, status, 54_119, "192.168.10.50", 80, 6, destinations, ports, flowIds, modelVersion,
                5, 99_000, T0 + 40_000);
    }

    @Test
    void sourceStateRoundTripsEveryFieldAndStatus() {
        for (IdentityStatus status : IdentityStatus.values()) {
            SourceState s = sourceState(status);
            assertEquals(s, roundTrip(SourceStateCodec.INSTANCE, s));
        }
        SourceState unknown = new SourceState(null, null, 0L, 1, SourceState.NO_CHALLENGE, T0,
                IdentityStatus.UNKNOWN);
        assertEquals(unknown, roundTrip(SourceStateCodec.INSTANCE, unknown));
        SourceState extremes = new SourceState("", "é\uD83D\uDE00", Long.MIN_VALUE, Long.MAX_VALUE, -1L,
                Long.MAX_VALUE, null);
        assertEquals(extremes, roundTrip(SourceStateCodec.INSTANCE, extremes));
    }

    @Test
    void sourceStateBytesArePinned() {
        // format 1 of an unbound source: changing these bytes needs a new format version
        SourceState s = new SourceState(null, null, 0L, 3, SourceState.NO_CHALLENGE, T0, IdentityStatus.UNKNOWN);
        String hex = "01" + "00" + "00" + "0000000000000000" + "03" + "8000000000000000" + "0000015d1dc78000" + "03";
        assertEquals(hex, HEX.formatHex(SourceStateCodec.INSTANCE.encode(s)));
        assertEquals(s, SourceStateCodec.INSTANCE.decode(HEX.parseHex(hex), "192.168.10.5"));
    }

    @Test
    void blocklistEntryRoundTrips() {
        for (int ids : new int[] {0, 1, BlocklistProcessor.MAX_VERDICT_IDS}) {
            BlocklistEntry e = blocklistEntry(ids);
            assertEquals(e, roundTrip(BlocklistEntryCodec.INSTANCE, e));
        }
        BlocklistEntry noReason = new BlocklistEntry("fe80::1", 1, 0, 0, null, List.of("x", "x", "xy", ""), 1, 1);
        assertEquals(noReason, roundTrip(BlocklistEntryCodec.INSTANCE, noReason));
    }

    @Test
    void blocklistEntryBytesArePinned() {
        BlocklistEntry e = new BlocklistEntry("10.0.0.1", 3, 1, 2, "r", List.of("ab", "ac"), 2, 3);
        String hex = "01" + "09" + HEX.formatHex("10.0.0.1".getBytes(StandardCharsets.US_ASCII))
                + "0000000000000003" + "0000000000000001" + "0000000000000002" + "0272"
                + "02" + "00" + "02" + "6162" + "01" + "01" + "63" // "ab"; then 1 shared byte and "c"
                + "02" + "0000000000000003";
        assertEquals(hex, HEX.formatHex(BlocklistEntryCodec.INSTANCE.encode(e)));
        assertEquals(e, BlocklistEntryCodec.INSTANCE.decode(HEX.parseHex(hex), "10.0.0.1"));
    }

    @Test
    void alertRoundTripsEveryField() {
        for (Decision d : Decision.values()) {
            for (IdentityStatus s : IdentityStatus.values()) {
                Alert a = alert(d, s, null, null);
                assertEquals(a, roundTrip(AlertCodec.INSTANCE, a));
            }
        }
        Alert full = alert(Decision.BLOCK, IdentityStatus.STALE, "spiffe://cicids2017.sim/host/172.16.0.1", "m1");
        assertEquals(full, roundTrip(AlertCodec.INSTANCE, full));
        Alert empty = new Alert(full.alertId(), "::1", "Other", 1, 0, 0, null, null, List.of(), Double.NaN, null, null,
                -1, null, Integer.MIN_VALUE, 0, List.of(), List.of(), List.of(), null, 0, 0, Long.MIN_VALUE);
        Alert back = roundTrip(AlertCodec.INSTANCE, empty);
        assertEquals(empty.toString(), back.toString());
    }

    /**
     * Format 2 stores the alert's activity (the task's clock when a flow last joined it); a format-1 value, as
     * a changelog written before holds, is still read, its activity being its own newest flow.
     */
    @Test
    void anAlertOfFormatOneIsStillRead() {
        Alert a = alert(Decision.BLOCK, IdentityStatus.STALE, "spiffe://cicids2017.sim/host/172.16.0.1", "m1");
        Alert lagging = new Alert(a.alertId(), a.srcIp(), a.alertClass(), a.count(), a.firstSeenMs(), a.lastSeenMs(),
                a.decision(), a.decidingRule(), a.reasons(), a.maxConfidence(), a.principal(), a.identityStatus(),
                a.lastSrcPort(), a.lastDstIp(), a.lastDstPort(), a.protocol(), a.destinations(), a.dstPorts(),
                a.flowIds(), a.modelVersion(), a.sequence(), a.emittedCount(), a.lastEmittedMs(), a.lastSeenMs() + 7_200_000L);
        byte[] v2 = AlertCodec.INSTANCE.encode(lagging);
        assertEquals(lagging, AlertCodec.INSTANCE.decode(v2, "172.16.0.1|DDoS"));
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - Long.BYTES); // format 1 lacks the trailing activity
        v1[0] = 1;
        assertEquals(a, AlertCodec.INSTANCE.decode(v1, "172.16.0.1|DDoS"));
        assertEquals(a.lastSeenMs(), AlertCodec.INSTANCE.decode(v1, "k").lastActivityMs());
    }

    @Test
    void alertIdsMustBeCanonicalUuids() {
        Alert a = alert(Decision.ALERT, IdentityStatus.UNKNOWN, null, null);
        Alert upper = new Alert(a.alertId().toUpperCase(), a.srcIp(), a.alertClass(), a.count(), a.firstSeenMs(),
                a.lastSeenMs(), a.decision(), a.decidingRule(), a.reasons(), a.maxConfidence(), a.principal(),
                a.identityStatus(), a.lastSrcPort(), a.lastDstIp(), a.lastDstPort(), a.protocol(), a.destinations(),
                a.dstPorts(), a.flowIds(), a.modelVersion(), a.sequence(), a.emittedCount(), a.lastEmittedMs());
        assertThrows(IllegalArgumentException.class, () -> AlertCodec.INSTANCE.encode(upper));
    }

    @Test
    void frontCodingSplitsMultiByteCharactersSafely() {
        // the elements share part of a 4-byte UTF-8 sequence; the prefix is shared as bytes
        List<String> ids = List.of("a\uD83D\uDE00", "a\uD83D\uDE01", "a\uD83D\uDE01b", "", "é", "ê", "ê");
        BlocklistEntry e = new BlocklistEntry("s", 0, 0, 0, "r", ids, 0, 0);
        assertEquals(ids, roundTrip(BlocklistEntryCodec.INSTANCE, e).verdictIds());
    }

    @Test
    void listsOfOneSourceAreFrontCoded() {
        BlocklistEntry ten = blocklistEntry(BlocklistProcessor.MAX_VERDICT_IDS);
        int idBytes = ten.verdictIds().stream().mapToInt(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
        int size = BlocklistEntryCodec.INSTANCE.encode(ten).length;
        int withoutIds = BlocklistEntryCodec.INSTANCE.encode(blocklistEntry(0)).length;
        // the first id whole (35 bytes); each later one shares "172.16.0.1-192.168.10.50-5410" and
        // costs the shared length, the rest's length and the rest ("0-80-6" etc.)
        assertEquals(1 + 1 + 35 + 9 * (1 + 1 + 6), size - withoutIds);
        assertTrue(size - withoutIds < idBytes / 2, size + " vs " + idBytes);
    }

    @Test
    void nullIsAbsent() {
        assertNull(SourceStateCodec.INSTANCE.decode(null, "k"));
        assertNull(BlocklistEntryCodec.INSTANCE.decode(null, "k"));
        assertNull(AlertCodec.INSTANCE.decode(null, "k"));
    }

    @Test
    void truncatedOrPaddedValuesAreCorrupt() {
        List<Encoded> values = List.of(
                new Encoded(SourceStateCodec.INSTANCE, SourceStateCodec.INSTANCE.encode(
                        sourceState(IdentityStatus.TRUSTED)), ZeroTrustProcessor.SOURCE_STORE),
                new Encoded(BlocklistEntryCodec.INSTANCE, BlocklistEntryCodec.INSTANCE.encode(blocklistEntry(3)),
                        BlocklistProcessor.STORE),
                new Encoded(AlertCodec.INSTANCE, AlertCodec.INSTANCE.encode(
                        alert(Decision.BLOCK, IdentityStatus.UNKNOWN, "p", "m1")), AlertAggregationProcessor.STORE));
        for (Encoded v : values) {
            for (int n = 0; n < v.bytes.length; n++) {
                byte[] truncated = Arrays.copyOf(v.bytes, n);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> v.codec.decode(truncated, "the-key"), v.store + " cut at " + truncated.length);
                assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(v.store)
                        && e.getMessage().contains("'the-key'"), e.getMessage());
            }
            byte[] padded = Arrays.copyOf(v.bytes, v.bytes.length + 1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.codec.decode(padded, "k"));
            assertTrue(e.getMessage().contains("1 trailing bytes"), e.getMessage());
        }
    }

    @Test
    void unknownEnumCodesAreCorrupt() {
        byte[] bytes = SourceStateCodec.INSTANCE.encode(sourceState(IdentityStatus.TRUSTED));
        bytes[bytes.length - 1] = (byte) (TrustCodes.IDENTITY_STATUS.length + 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SourceStateCodec.INSTANCE.decode(bytes, "10.0.0.1"));
        assertTrue(e.getMessage().contains("unknown IdentityStatus code 8"), e.getMessage());
    }

    @Test
    void unknownVersionsAreRejectedWithStoreAndKey() {
        for (StoreCodec<?> codec : List.of(SourceStateCodec.INSTANCE, BlocklistEntryCodec.INSTANCE,
                AlertCodec.INSTANCE)) {
            String reads = codec == AlertCodec.INSTANCE ? "versions 1 to 2" : "version 1";
            for (byte version : new byte[] {0, (byte) (codec.version() + 1), (byte) 0xFF}) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> codec.decode(new byte[] {version, 1, 2, 3}, "10.0.0.7"));
                assertEquals("unknown format version " + (version & 0xFF) + " of " + codecType(codec) + " in store "
                        + codec.store() + " for key '10.0.0.7' (this build reads " + reads + ")", e.getMessage());
            }
        }
    }

    @Test
    void jsonWrittenBeforeTheBinaryFormatIsStillRead() {
        SourceState s = sourceState(IdentityStatus.STALE);
        BlocklistEntry e = blocklistEntry(4);
        Alert a = alert(Decision.ALERT, IdentityStatus.UNKNOWN, null, "m1");
        assertEquals(s, SourceStateCodec.INSTANCE.decode(utf8(Json.write(s)), "192.168.10.5"));
        // the store's JSON of old held every component; emittedUntilMs is no longer published, so add it back
        String published = Json.write(e);
        String stored = published.substring(0, published.length() - 1) + ",\"emittedUntilMs\":" + e.emittedUntilMs() + "}";
        assertEquals(e, BlocklistEntryCodec.INSTANCE.decode(utf8(stored), "172.16.0.1"));
        assertEquals(a, AlertCodec.INSTANCE.decode(utf8(Json.write(a)), "172.16.0.1|DDoS"));
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> AlertCodec.INSTANCE.decode(utf8("{\"count\":"), "172.16.0.1|DDoS"));
        assertTrue(bad.getMessage().contains("alert-aggregation-store key '172.16.0.1|DDoS'"), bad.getMessage());
    }

    @Test
    void enumCodeTablesHoldEveryConstantOnce() {
        assertEquals(Set.of(IdentityStatus.values()), Set.of(TrustCodes.IDENTITY_STATUS));
        assertEquals(IdentityStatus.values().length, TrustCodes.IDENTITY_STATUS.length);
        assertEquals(Set.of(Decision.values()), Set.of(TrustCodes.DECISION));
        assertEquals(Decision.values().length, TrustCodes.DECISION.length);
    }

    @Test
    void binaryIsSmallerThanTheJsonItReplaces() {
        SourceState s = sourceState(IdentityStatus.TRUSTED);
        BlocklistEntry e = blocklistEntry(BlocklistProcessor.MAX_VERDICT_IDS);
        Alert a = alert(Decision.BLOCK, IdentityStatus.UNKNOWN, null, "m1");
        assertTrue(SourceStateCodec.INSTANCE.encode(s).length * 2 < utf8(Json.write(s)).length);
        assertTrue(BlocklistEntryCodec.INSTANCE.encode(e).length * 3 < utf8(Json.write(e)).length);
        assertTrue(AlertCodec.INSTANCE.encode(a).length * 2 < utf8(Json.write(a)).length);
    }

    private record Encoded(StoreCodec<?> codec, byte[] bytes, String store) {
    }

    private static String codecType(StoreCodec<?> codec) {
        return codec == SourceStateCodec.INSTANCE ? "SourceState"
                : codec == BlocklistEntryCodec.INSTANCE ? "BlocklistEntry" : "Alert";
    }

    private static <T> T roundTrip(StoreCodec<T> codec, T value) {
        byte[] bytes = codec.encode(value);
        assertEquals(codec.version(), bytes[0], "format version byte");
        T back = codec.decode(bytes, "k");
        assertArrayEquals(bytes, codec.encode(back), "re-encoding is stable");
        return back;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
