package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;
import sif.trust.PrincipalIdentity;

/** The per-processor view of the identity store: identities parsed once per store generation. */
class IdentityStoreReaderTest {

    static final long T0 = 1_499_443_200_000L;
    static final String P = "spiffe://cicids2017.sim/host/192.168.10.5";

    KeyValueStore<String, String> store;
    IdentityStore.Reader reader;
    long generation;

    MockProcessorContext<Void, Void> context;
    IdentityStore.Updater updater;
    long offset;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IdentityStore.STORE), Serdes.String(),
                Serdes.String()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        reader = new IdentityStore.Reader(store);
        updater = new IdentityStore.Updater(ZeroTrustStepTest.IDENTITY_SERDE.deserializer());
        updater.init(context);
    }

    /** An identity event through the real updater, as the global thread applies it. */
    void send(IdentityEvent e) {
        context.setRecordMetadata("identity", 0, offset++);
        updater.process(new Record<>(e.principal(), ZeroTrustStepTest.IDENTITY_SERDE.serializer()
                .serialize("identity", IdentityEvents.toAvro(e)), e.eventTimeMs()));
    }

    static IdentityEvent event(String principal, IdentityEventType type, String serial, long at, String... bound) {
        return new IdentityEvent(principal, type, List.of(bound), serial, at - 1, at + 3_600_000, at, "mTLS", at, true,
                null);
    }

    static PrincipalIdentity identity(String principal, String serial, List<String> bound) {
        return new PrincipalIdentity(principal, bound, serial, T0 - 1, T0 + 3_600_000, T0, "mTLS", T0,
                IdentityEventType.ISSUED, true, null, List.of());
    }

    /** What the updater does: write the identity, then bump the generation. */
    void put(PrincipalIdentity identity) {
        store.put(IdentityStore.PRINCIPAL_PREFIX + identity.principal(), Json.write(identity));
        bump();
    }

    void bump() {
        store.put(IdentityStore.GENERATION_KEY, Long.toString(++generation));
    }

    @Test
    void parsesEachIdentityOncePerGeneration() {
        PrincipalIdentity s1 = identity(P, "s1", List.of("192.168.10.5"));
        put(s1);
        PrincipalIdentity first = reader.bySource("192.168.10.5");
        assertEquals(s1, first);
        assertSame(first, reader.bySource("192.168.10.5"), "served from the cache, not parsed again");
        assertNull(reader.bySource("192.168.10.6"));

        // a value changed without a generation bump is not seen; the bump makes it visible
        PrincipalIdentity s2 = identity(P, "s2", List.of("192.168.10.5"));
        store.put(IdentityStore.PRINCIPAL_PREFIX + P, Json.write(s2));
        assertSame(first, reader.bySource("192.168.10.5"));
        bump();
        PrincipalIdentity second = reader.bySource("192.168.10.5");
        assertEquals(s2, second);
        assertNotSame(first, second);

        // a network binding, then a removal (the updater deletes and bumps on a tombstone)
        put(identity("spiffe://net", "n1", List.of("10.2.0.0/24")));
        assertEquals("spiffe://net", reader.bySource("10.2.0.77").principal());
        assertEquals(s2, reader.bySource("192.168.10.5"));
        store.delete(IdentityStore.PRINCIPAL_PREFIX + P);
        bump();
        assertNull(reader.bySource("192.168.10.5"));
        assertEquals("spiffe://net", reader.bySource("10.2.0.77").principal());
    }

    @Test
    void emptyStoreBindsNothing() {
        assertNull(reader.bySource("192.168.10.5"));
        put(identity(P, "s1", List.of("192.168.10.5")));
        assertEquals(P, reader.bySource("192.168.10.5").principal());
    }

    /**
     * Re-verifications and revocations (the frequent events) keep the binding index; a new principal,
     * other addresses, or an address two principals bind make a new one.
     */
    @Test
    void onlyAChangeThatCanMoveABindingRebuildsTheIndex() {
        String h = "spiffe://h", n = "spiffe://n", other = "spiffe://other";
        send(event(h, IdentityEventType.ISSUED, "s1", T0, "10.0.0.1"));
        send(event(n, IdentityEventType.ISSUED, "n1", T0, "10.2.0.0/24"));
        assertEquals("s1", reader.bySource("10.0.0.1").credentialSerial());
        assertEquals(1, reader.rebuilds());

        send(event(h, IdentityEventType.ROTATED, "s2", T0 + 60_000, "10.0.0.1"));
        send(event(n, IdentityEventType.ROTATED, "n2", T0 + 60_000, "10.2.0.0/24"));
        assertEquals("s2", reader.bySource("10.0.0.1").credentialSerial(), "the re-verified identity");
        assertEquals("n2", reader.bySource("10.2.0.9").credentialSerial());
        send(event(h, IdentityEventType.REVOKED, "s2", T0 + 120_000, "10.0.0.1"));
        assertTrue(reader.bySource("10.0.0.1").revoked());
        assertEquals(1, reader.rebuilds(), "two rotations and a revocation: the same index");

        send(event(other, IdentityEventType.ISSUED, "o1", T0 + 180_000, "10.0.0.7"));
        assertEquals(other, reader.bySource("10.0.0.7").principal());
        assertEquals(2, reader.rebuilds(), "a new principal");
        send(event(other, IdentityEventType.ROTATED, "o2", T0 + 240_000, "10.0.0.8"));
        assertNull(reader.bySource("10.0.0.7"));
        assertEquals("o2", reader.bySource("10.0.0.8").credentialSerial());
        assertEquals(3, reader.rebuilds(), "other addresses");

        // two principals bind 10.0.0.8: the newer event wins, so each change of either is a new index
        send(event(h, IdentityEventType.ISSUED, "s3", T0 + 300_000, "10.0.0.8"));
        assertEquals(h, reader.bySource("10.0.0.8").principal());
        send(event(other, IdentityEventType.ROTATED, "o3", T0 + 360_000, "10.0.0.8"));
        assertEquals(other, reader.bySource("10.0.0.8").principal(), "the newer event wins the shared address");
        assertEquals(5, reader.rebuilds());

        // a tombstone removes the principal from the index
        context.setRecordMetadata("identity", 0, offset++);
        updater.process(new Record<>(other, null, T0 + 400_000));
        assertEquals(h, reader.bySource("10.0.0.8").principal());
        assertEquals(6, reader.rebuilds());
    }

    /** A reader more than {@value IdentityStore#CHANGES_KEPT} changes behind finds a change gone and rebuilds. */
    @Test
    void aReaderTooFarBehindBuildsItsViewAnew() {
        String h = "spiffe://h";
        send(event(h, IdentityEventType.ISSUED, "s0", T0, "10.0.0.1"));
        assertEquals("s0", reader.bySource("10.0.0.1").credentialSerial());
        for (int i = 1; i <= IdentityStore.CHANGES_KEPT + 5; i++) {
            send(event(h, IdentityEventType.ROTATED, "s" + i, T0 + i * 1000L, "10.0.0.1"));
        }
        assertNull(store.get(IdentityStore.CHANGE_PREFIX + 1), "the oldest changes are dropped");
        assertEquals("s" + (IdentityStore.CHANGES_KEPT + 5), reader.bySource("10.0.0.1").credentialSerial());
        assertEquals(2, reader.rebuilds());
        send(event(h, IdentityEventType.ROTATED, "last", T0 + 2_000_000L, "10.0.0.1"));
        assertEquals("last", reader.bySource("10.0.0.1").credentialSerial());
        assertEquals(2, reader.rebuilds(), "caught up: one change, read from the log");
    }

    /** {@code e} (or raw bytes) through the real updater at {@code offset} of identity-0. */
    void at(long at, String principal, byte[] value, long timestamp) {
        context.setRecordMetadata("identity", 0, at);
        updater.process(new Record<>(principal, value, timestamp));
    }

    byte[] bytes(IdentityEvent e) {
        return ZeroTrustStepTest.IDENTITY_SERDE.serializer().serialize("identity", IdentityEvents.toAvro(e));
    }

    /**
     * The mark an undecodable record leaves (it could have been a revocation) is lifted only by a newer
     * event that issues or rotates a credential: not by a late event about an old serial, a revocation
     * or a posture change. Before, any readable event that changed the state lifted it (a reviewer's
     * test: a late REVOKED of the old serial made the current one TRUSTED again).
     */
    @Test
    void onlyANewerCredentialLiftsTheUnreadableMark() {
        String x = "spiffe://x";
        at(0, x, bytes(event(x, IdentityEventType.ISSUED, "s1", T0, "10.0.0.1")), T0);
        at(1, x, bytes(event(x, IdentityEventType.ROTATED, "s2", T0 + 60_000, "10.0.0.1")), T0 + 60_000);
        at(2, x, new byte[] {1, 2, 3}, T0 + 120_000); // could be REVOKED s2
        assertNotNull(reader.bySource("10.0.0.1").unreadableEvent());
        at(3, x, bytes(event(x, IdentityEventType.REVOKED, "s1", T0 + 30_000, "10.0.0.1")), T0 + 30_000); // late
        assertEquals("s2", reader.bySource("10.0.0.1").credentialSerial());
        assertNotNull(reader.bySource("10.0.0.1").unreadableEvent(), "a late event about an old serial");
        at(4, x, bytes(event(x, IdentityEventType.DEVICE_NONCOMPLIANT, "s2", T0 + 150_000, "10.0.0.1")),
                T0 + 150_000);
        assertNotNull(reader.bySource("10.0.0.1").unreadableEvent(), "a posture change");
        at(5, x, bytes(event(x, IdentityEventType.ROTATED, "s3", T0 + 180_000, "10.0.0.1")), T0 + 180_000);
        assertNull(reader.bySource("10.0.0.1").unreadableEvent(), "a newer credential: the re-verification");
    }

    /**
     * Records replayed after a restart from an older checkpoint (Kafka Streams checkpoints a global
     * store every 10,000 records) are not applied again: before, the undecodable one marked the
     * principal again, after the rotation that had lifted its mark (a reviewer's test).
     */
    @Test
    void recordsReplayedFromAnOlderCheckpointAreNotAppliedAgain() {
        String x = "spiffe://x";
        byte[] issued = bytes(event(x, IdentityEventType.ISSUED, "s1", T0, "10.0.0.1"));
        byte[] rotated = bytes(event(x, IdentityEventType.ROTATED, "s2", T0 + 4000, "10.0.0.1"));
        at(0, x, issued, T0);
        at(1, x, new byte[] {1, 2, 3}, T0 + 2000);
        assertNotNull(reader.bySource("10.0.0.1").unreadableEvent());
        at(2, x, rotated, T0 + 4000);
        assertNull(reader.bySource("10.0.0.1").unreadableEvent(), "lifted by the rotation");
        long generation = Long.parseLong(store.get(IdentityStore.GENERATION_KEY));
        // the restart: replayed from offset 1
        at(1, x, new byte[] {1, 2, 3}, T0 + 2000);
        at(2, x, rotated, T0 + 4000);
        assertNull(reader.bySource("10.0.0.1").unreadableEvent(), "the state before the restart");
        assertEquals(generation, Long.parseLong(store.get(IdentityStore.GENERATION_KEY)), "nothing applied again");
        at(3, x, bytes(event(x, IdentityEventType.REVOKED, "s2", T0 + 6000, "10.0.0.1")), T0 + 6000);
        assertTrue(reader.bySource("10.0.0.1").revoked(), "the next new record is applied");
    }
}
