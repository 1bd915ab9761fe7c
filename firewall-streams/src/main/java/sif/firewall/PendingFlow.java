package sif.firewall;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import sif.schemas.avro.IdentityStatus;

/**
 * A flow waiting for its inference batch, with everything its verdict needs: the 5-tuple, times,
 * identity findings, its own raw features and its sequence snapshot (the model input, see
 * {@link SequenceWindow}). Stored in the changelogged pending-batch store, so a flow waiting for a
 * batch is covered by committed state.
 *
 * <p>{@code rawValue}, the original value bytes for the dead-letter topic should inference fail, is
 * kept in memory only: it is not part of {@link #encode()} (it would add the whole input record to
 * every pending write). A flow restored after a restart therefore has {@code rawValue == null}; its
 * dead-letter record then carries the input topic, partition and offset headers that locate the
 * original. The raw features let a restored flow be classified when its snapshot was made for
 * another model (see {@link SequenceWindow#usable}).
 *
 * <p>Encoding version 3 (version 2 and the identity's age and flow count); version 2 records are read
 * with neither, and version 1 records (raw-feature snapshot, raw value) too: their features are the
 * snapshot's last row.
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
        float[] features,
        byte[] sequence,
        Long identityAgeMs,
        Long flowsSinceVerification) {

    /** Version 3 adds the identity's age and flow count; versions 1 and 2 are still read (both null). */
    private static final byte VERSION = 3;
    private static final long ABSENT = Long.MIN_VALUE;
    private static final int V1_HEADER = 2;
    private static final int RAW_FEATURES = sif.flows.FlowFeatures.COUNT;
    private static final IdentityStatus[] STATUSES = IdentityStatus.values();

    public static PendingFlow of(FlowContext c, byte[] sequence) {
        var f = c.flow();
        return new PendingFlow(f.getFlowId(), f.getSrcIp(), f.getSrcPort(), f.getDstIp(), f.getDstPort(),
                f.getProtocol(), f.getEventTimeMs(), f.getLabel(), c.ingestTimeMs(), c.identityStatus(), c.principal(),
                c.reasons(), c.sourceTopic(), c.sourcePartition(), c.sourceOffset(), c.rawValue(), c.features(), sequence,
                c.identityAgeMs(), c.flowsSinceVerification());
    }

    /** A flow without the zero-trust step's age and count. */
    public PendingFlow(String flowId, String srcIp, int srcPort, String dstIp, int dstPort, int protocol,
                       long eventTimeMs, String label, long ingestTimeMs, IdentityStatus identityStatus, String principal,
                       List<String> reasons, String sourceTopic, int sourcePartition, long sourceOffset, byte[] rawValue,
                       float[] features, byte[] sequence) {
        this(flowId, srcIp, srcPort, dstIp, dstPort, protocol, eventTimeMs, label, ingestTimeMs, identityStatus,
                principal, reasons, sourceTopic, sourcePartition, sourceOffset, rawValue, features, sequence, null, null);
    }

    /** Flows in the model input (1 for a version-1 snapshot, which is read as the flow alone). */
    public int sequenceLength() {
        return sequence.length > 0 && sequence[0] == SequenceWindow.VERSION ? SequenceWindow.count(sequence) : 1;
    }

    public byte[] encode() {
        byte[][] strings = {utf8(flowId), utf8(srcIp), utf8(dstIp), utf8(label), utf8(principal), utf8(sourceTopic)};
        byte[][] reasonBytes = new byte[reasons.size()][];
        int size = 1 + 4 * 3 + 8 * 3 + 1 + 4 + 8 * 2 + 4 + 4 + features.length * 4 + 4 + sequence.length;
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
        b.putLong(identityAgeMs == null ? ABSENT : identityAgeMs);
        b.putLong(flowsSinceVerification == null ? ABSENT : flowsSinceVerification);
        b.putInt(reasonBytes.length);
        for (byte[] r : reasonBytes) {
            putBytes(b, r);
        }
        b.putInt(features.length);
        for (float f : features) {
            b.putFloat(f);
        }
        putBytes(b, sequence);
        return b.array();
    }

    public static PendingFlow decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte version = b.get();
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("pending flow of unknown version " + version);
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
            Long age = null;
            Long flows = null;
            if (version >= 3) {
                age = present(b.getLong());
                flows = present(b.getLong());
            }
            int nReasons = b.getInt();
            List<String> reasons = new ArrayList<>(nReasons);
            for (int i = 0; i < nReasons; i++) {
                reasons.add(str(b));
            }
            byte[] raw = null;
            float[] features;
            byte[] sequence;
            if (version == 1) {
                raw = getBytes(b);
                sequence = getBytes(b);
                features = lastRowOfV1(sequence);
            } else {
                features = new float[b.getInt()];
                for (int i = 0; i < features.length; i++) {
                    features[i] = b.getFloat();
                }
                sequence = getBytes(b);
                SequenceWindow.count(sequence); // validates
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing bytes");
            }
            return new PendingFlow(flowId, srcIp, srcPort, dstIp, dstPort, protocol, eventTime, label, ingestTime,
                    status, principal, List.copyOf(reasons), topic, partition, offset, raw, features, sequence, age, flows);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("corrupt pending flow (" + bytes.length + " bytes): " + e, e);
        }
    }

    private static Long present(long v) {
        return v == ABSENT ? null : v;
    }

    /** Version-1 snapshots: {@code 1, count, count × (i64 time, 77 × f32 raw features)}. */
    private static float[] lastRowOfV1(byte[] sequence) {
        int entry = Long.BYTES + RAW_FEATURES * Float.BYTES;
        int n = sequence[1] & 0xFF;
        if (sequence[0] != 1 || n < 1 || sequence.length != V1_HEADER + n * entry) {
            throw new IllegalArgumentException("corrupt version-1 sequence (" + sequence.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(sequence, V1_HEADER + (n - 1) * entry + Long.BYTES, RAW_FEATURES * Float.BYTES);
        float[] row = new float[RAW_FEATURES];
        b.asFloatBuffer().get(row);
        return row;
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
