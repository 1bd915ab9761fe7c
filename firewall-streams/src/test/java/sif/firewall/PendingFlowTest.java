package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sif.schemas.avro.IdentityStatus;

class PendingFlowTest {

    @Test
    void roundTripsEveryField() {
        float[] f = new float[77];
        Arrays.fill(f, 2.5f);
        byte[] seq = SequenceWindow.append(SequenceWindow.append(null, 1, f, 10, 1000), 2, f, 10, 1000);
        PendingFlow p = new PendingFlow("id-1", "10.0.0.1", 1234, "10.0.0.2", 443, 6, 111L, "DDoS", 222L,
                IdentityStatus.STALE, "spiffe://sif/host-a", List.of("trust.stale", "x"), "flows", 3, 999L,
                new byte[] {1, 2, 3}, seq);
        PendingFlow q = PendingFlow.decode(p.encode());
        assertEquals(p.flowId(), q.flowId());
        assertEquals(p.srcIp(), q.srcIp());
        assertEquals(p.srcPort(), q.srcPort());
        assertEquals(p.dstIp(), q.dstIp());
        assertEquals(p.dstPort(), q.dstPort());
        assertEquals(p.protocol(), q.protocol());
        assertEquals(p.eventTimeMs(), q.eventTimeMs());
        assertEquals(p.label(), q.label());
        assertEquals(p.ingestTimeMs(), q.ingestTimeMs());
        assertEquals(p.identityStatus(), q.identityStatus());
        assertEquals(p.principal(), q.principal());
        assertEquals(p.reasons(), q.reasons());
        assertEquals(p.sourceTopic(), q.sourceTopic());
        assertEquals(p.sourcePartition(), q.sourcePartition());
        assertEquals(p.sourceOffset(), q.sourceOffset());
        assertArrayEquals(p.rawValue(), q.rawValue());
        assertArrayEquals(p.sequence(), q.sequence());
        assertEquals(2, q.sequenceLength());
    }

    @Test
    void nullsRoundTrip() {
        byte[] seq = SequenceWindow.append(null, 1, new float[77], 10, 1000);
        PendingFlow p = new PendingFlow("id", "s", 0, "d", 0, 17, 1, null, 1, IdentityStatus.NOT_EVALUATED, null,
                List.of(), null, -1, -1, null, seq);
        PendingFlow q = PendingFlow.decode(p.encode());
        assertNull(q.label());
        assertNull(q.principal());
        assertNull(q.sourceTopic());
        assertNull(q.rawValue());
        assertEquals(List.of(), q.reasons());
    }

    @Test
    void corruptBytesAreAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> PendingFlow.decode(new byte[] {1, 0, 0}));
        assertEquals(true, e.getMessage().startsWith("corrupt pending flow (3 bytes)"), e.getMessage());
    }
}
