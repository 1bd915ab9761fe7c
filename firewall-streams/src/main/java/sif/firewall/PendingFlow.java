package sif.firewall;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import sif.schemas.avro.IdentityStatus;

/**
 * A flow waiting for its inference batch, with everything its verdict needs: the 5-tuple, times,
 * identity findings, its sequence snapshot (the model input, see {@link SequenceWindow}) and the
 * original value bytes (for the dead-letter topic should inference fail). Stored in the changelogged
 * pending-batch store, so a flow waiting for a batch is covered by committed state.
 */
public record PendingFlow(
        String flowId,
        String srcIp,
        int srcPort,
        String dstIp,
        int dstPort,
        int protocol,
        long eventTimeMs,
        String label,
        long ingestTimeMs,
        IdentityStatus identityStatus,
        String principal,
        List<String> reasons,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        byte[] rawValue,
        byte[] sequence) {

    private static final byte VERSION = 1;
    private static final IdentityStatus[] STATUSES = IdentityStatus.values();

    public static PendingFlow of(FlowContext c, byte[] sequence) {
        var f = c.flow();
        return new PendingFlow(f.getFlowId(), f.getSrcIp(), f.getSrcPort(), f.getDstIp(), f.getDstPort(),
                f.getProtocol(), f.getEventTimeMs(), f.getLabel(), c.ingestTimeMs(), c.identityStatus(), c.principal(),
                c.reasons(), c.sourceTopic(), c.sourcePartition(), c.sourceOffset(), c.rawValue(), sequence);
    }

    /** Flows in the model input. */
    public int sequenceLength() {
        return SequenceWindow.count(sequence);
    }

    public byte[] encode() {
        byte[][] strings = {utf8(flowId), utf8(srcIp), utf8(dstIp), utf8(label), utf8(principal), utf8(sourceTopic)};
        byte[][] reasonBytes = new byte[reasons.size()][];
        int size = 1 + 4 * 3 + 8 * 3 + 1 + 4 + 8 + 4 + 4 + (rawValue == null ? 0 : rawValue.length) + 4 + sequence.length;
        for (byte[] s : strings) {
            size += 4 + (s == null ? 0 : s.length);
        }
        for (int i = 0; i < reasonBytes.length; i++) {
            reasonBytes[i] = utf8(reasons.get(i));
            size += 4 + reasonBytes[i].length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION);
        for (byte[] s : strings) {
            putBytes(b, s);
        }
        b.putInt(srcPort).putInt(dstPort).putInt(protocol);
        b.putLong(eventTimeMs).putLong(ingestTimeMs).putLong(sourceOffset);
        b.put((byte) identityStatus.ordinal());
        b.putInt(sourcePartition);
        b.putInt(reasonBytes.length);
        for (byte[] r : reasonBytes) {
            putBytes(b, r);
        }
        putBytes(b, rawValue);
        putBytes(b, sequence);
        return b.array();
    }

    public static PendingFlow decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.get() != VERSION) {
                throw new IllegalArgumentException("pending flow of unknown version " + bytes[0]);
            }
            String flowId = str(b);
            String srcIp = str(b);
            String dstIp = str(b);
            String label = str(b);
            String principal = str(b);
            String topic = str(b);
            int srcPort = b.getInt();
            int dstPort = b.getInt();
            int protocol = b.getInt();
            long eventTime = b.getLong();
            long ingestTime = b.getLong();
            long offset = b.getLong();
            IdentityStatus status = STATUSES[b.get()];
            int partition = b.getInt();
            int nReasons = b.getInt();
            List<String> reasons = new ArrayList<>(nReasons);
            for (int i = 0; i < nReasons; i++) {
                reasons.add(str(b));
            }
            byte[] raw = getBytes(b);
            byte[] sequence = getBytes(b);
            SequenceWindow.count(sequence); // validates
            return new PendingFlow(flowId, srcIp, srcPort, dstIp, dstPort, protocol, eventTime, label, ingestTime,
                    status, principal, List.copyOf(reasons), topic, partition, offset, raw, sequence);
        } catch (BufferUnderflowException | ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("corrupt pending flow (" + bytes.length + " bytes): " + e, e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putBytes(ByteBuffer b, byte[] s) {
        if (s == null) {
            b.putInt(-1);
        } else {
            b.putInt(s.length).put(s);
        }
    }

    private static byte[] getBytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        byte[] s = new byte[n];
        b.get(s);
        return s;
    }

    private static String str(ByteBuffer b) {
        byte[] s = getBytes(b);
        return s == null ? null : new String(s, StandardCharsets.UTF_8);
    }
}
