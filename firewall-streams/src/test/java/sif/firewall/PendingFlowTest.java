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
                new byte[] {1, 2, 3}, f, seq, 301_000L, 501L);
        PendingFlow q = PendingFlow.decode(p.encode());
        assertEquals(301_000L, q.identityAgeMs());
        assertEquals(501L, q.flowsSinceVerification());
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
        assertNull(q.rawValue(), "the raw value stays in memory, it is not stored");
        assertArrayEquals(p.features(), q.features());
        assertArrayEquals(p.sequence(), q.sequence());
        assertEquals(2, q.sequenceLength());
    }

    @Test
    void theStoredRecordDoesNotGrowWithTheRawValue() {
        byte[] seq = SequenceWindow.append(null, 1, new float[76], 10, 1000);
        PendingFlow small = new PendingFlow("id", "s", 0, "d", 0, 17, 1, null, 1, IdentityStatus.NOT_EVALUATED, null,
                List.of(), "flows", 0, 1, new byte[0], new float[77], seq);
        PendingFlow big = new PendingFlow("id", "s", 0, "d", 0, 17, 1, null, 1, IdentityStatus.NOT_EVALUATED, null,
                List.of(), "flows", 0, 1, new byte[900], new float[77], seq);
        assertEquals(small.encode().length, big.encode().length);
    }

    /** Version 2 (before the identity's age and count were stored) is read with neither. */
    @Test
    void readsVersionTwoRecords() {
        float[] f = new float[77];
        byte[] seq = SequenceWindow.append(null, 1, f, 10, 1000);
        PendingFlow p = new PendingFlow("id-2", "10.0.0.1", 1, "10.0.0.2", 2, 6, 3L, null, 4L, IdentityStatus.TRUSTED,
                "spiffe://sif/host-b", List.of("r"), "flows", 5, 6L, null, f, seq, 7L, 8L);
        byte[] v3 = p.encode();
        // version 3 = version 2 with two longs after the source partition
        int afterPartition = 1 + (4 + 4) + (4 + 8) + (4 + 8) + 4 + (4 + 19) + (4 + 5) + 4 * 3 + 8 * 3 + 1 + 4;
        byte[] v2 = new byte[v3.length - 16];
        System.arraycopy(v3, 0, v2, 0, afterPartition);
        System.arraycopy(v3, afterPartition + 16, v2, afterPartition, v3.length - afterPartition - 16);
        v2[0] = 2;
        PendingFlow q = PendingFlow.decode(v2);
        assertEquals(List.of("id-2", "spiffe://sif/host-b", 5, 6L), List.of(q.flowId(), q.principal(),
                q.sourcePartition(), q.sourceOffset()));
        assertEquals(List.of("r"), q.reasons());
        assertNull(q.identityAgeMs());
        assertNull(q.flowsSinceVerification());
        assertArrayEquals(seq, q.sequence());
    }

    @Test
    void readsVersionOneRecords() {
        // version 1: ..., raw value, then a version-1 snapshot of raw rows (1, count, count x (time, 77 floats))
        float[] last = new float[77];
        last[0] = 42f;
        java.nio.ByteBuffer v1seq = java.nio.ByteBuffer.allocate(2 + 2 * 316);
        v1seq.put((byte) 1).put((byte) 2).putLong(5).position(2 + 316);
        v1seq.putLong(6);
        for (float x : last) {
            v1seq.putFloat(x);
        }
        byte[] s = v1seq.array();
        byte[][] strings = {"f1".getBytes(), "10.0.0.1".getBytes(), "10.0.0.2".getBytes(), null, null, "flows".getBytes()};
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(200 + s.length);
        b.put((byte) 1);
        for (byte[] x : strings) {
            if (x == null) {
                b.putInt(-1);
            } else {
                b.putInt(x.length).put(x);
            }
        }
        b.putInt(1).putInt(2).putInt(6).putLong(6).putLong(7).putLong(8).put((byte) 0).putInt(0).putInt(0);
        b.putInt(3).put(new byte[] {9, 9, 9});
        b.putInt(s.length).put(s);
        byte[] bytes = java.util.Arrays.copyOf(b.array(), b.position());
        PendingFlow q = PendingFlow.decode(bytes);
        assertEquals("f1", q.flowId());
        assertEquals(8L, q.sourceOffset());
        assertArrayEquals(new byte[] {9, 9, 9}, q.rawValue());
        assertArrayEquals(last, q.features());
        assertEquals(1, q.sequenceLength(), "a version-1 snapshot is classified as the flow alone");
    }

    @Test
    void nullsRoundTrip() {
        byte[] seq = SequenceWindow.append(null, 1, new float[77], 10, 1000);
        PendingFlow p = new PendingFlow("id", "s", 0, "d", 0, 17, 1, null, 1, IdentityStatus.NOT_EVALUATED, null,
                List.of(), null, -1, -1, null, new float[77], seq);
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
