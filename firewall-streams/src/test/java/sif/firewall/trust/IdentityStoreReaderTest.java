package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sif.trust.IdentityEventType;
import sif.trust.PrincipalIdentity;

/** The per-processor view of the identity store: identities parsed once per store generation. */
class IdentityStoreReaderTest {

    static final long T0 = 1_499_443_200_000L;
    static final String P = "spiffe://cicids2017.sim/host/192.168.10.5";

    KeyValueStore<String, String> store;
    IdentityStore.Reader reader;
    long generation;

    @BeforeEach
    void setUp() {
        var context = new MockProcessorContext<Void, Void>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IdentityStore.STORE), Serdes.String(),
                Serdes.String()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        reader = new IdentityStore.Reader(store);
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
}
