package sif.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import sif.schemas.TestRecords;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;

class SingleObjectSerdeTest {

    private final Serde<NetworkFlow> flows = AvroSerdes.serde(NetworkFlow.class, Map.of(), false);

    private byte[] flowBytes() {
        return flows.serializer().serialize("flows", TestRecords.networkFlow());
    }

    private SerializationException rejects(byte[] bytes) {
        return assertThrows(SerializationException.class, () -> flows.deserializer().deserialize("flows", bytes));
    }

    @Test
    void roundTripsEveryRecordType() {
        roundTrip(NetworkFlow.class, TestRecords.networkFlow());
        roundTrip(Verdict.class, TestRecords.verdict());
        roundTrip(IdentityEvent.class, TestRecords.identityEvent());
    }

    private static <T extends SpecificRecord> void roundTrip(Class<T> type, T value) {
        Serde<T> serde = AvroSerdes.serde(type, Map.of("schema.registry.url", " "), false); // blank url: default mode
        byte[] bytes = serde.serializer().serialize("t", value);
        assertEquals(value, serde.deserializer().deserialize("t", bytes));
    }

    @Test
    void writesSingleObjectHeader() throws java.io.IOException {
        byte[] bytes = flowBytes();
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long expected = SchemaHistory.fingerprint(NetworkFlow.getClassSchema());
        assertEquals(expected, SingleObjectSerde.fingerprintOf(bytes));
        assertEquals(expected, ((SingleObjectSerde<?>) flows).fingerprint());
        // same bytes as Avro's own single-object encoder
        java.nio.ByteBuffer avro = NetworkFlow.getEncoder().encode(TestRecords.networkFlow());
        byte[] avroBytes = new byte[avro.remaining()];
        avro.get(avroBytes);
        assertArrayEquals(avroBytes, bytes);
    }

    @Test
    void nullIsNull() {
        assertNull(flows.serializer().serialize("flows", null));
        assertNull(flows.deserializer().deserialize("flows", null));
    }

    @Test
    void garbageBytes() {
        SerializationException e = rejects("this is not avro at all".getBytes(StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("not Avro single-object encoding") && e.getMessage().contains("expected C3 01"),
                e.getMessage());
    }

    @Test
    void registryFramedBytesGetAHint() {
        byte[] b = {0, 0, 0, 0, 42, 2, 4, 6, 8, 10, 12};
        SerializationException e = rejects(b);
        assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
    }

    @Test
    void truncatedHeader() {
        SerializationException e = rejects(Arrays.copyOf(flowBytes(), 5));
        assertTrue(e.getMessage().contains("truncated single-object Avro header") && e.getMessage().contains("5 bytes"),
                e.getMessage());
        assertTrue(rejects(new byte[0]).getMessage().contains("0 bytes"));
    }

    @Test
    void truncatedBody() {
        byte[] full = flowBytes();
        for (int cut : new int[] {11, full.length / 2, full.length - 1}) {
            SerializationException e = rejects(Arrays.copyOf(full, cut));
            assertTrue(e.getMessage().contains("corrupt or truncated Avro body"), cut + ": " + e.getMessage());
        }
    }

    @Test
    void trailingBytes() {
        byte[] full = flowBytes();
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        SerializationException e = rejects(longer);
        assertTrue(e.getMessage().contains("3 trailing bytes"), e.getMessage());
    }

    @Test
    void unknownFingerprint() {
        byte[] b = flowBytes();
        b[5] ^= 0x5A;
        SerializationException e = rejects(b);
        assertTrue(e.getMessage().contains("unknown schema fingerprint " + String.format("%016x",
                SingleObjectSerde.fingerprintOf(b))), e.getMessage());
    }

    @Test
    void otherRecordTypeIsRejected() {
        byte[] verdict = AvroSerdes.singleObject(Verdict.class).serializer().serialize("t", TestRecords.verdict());
        Serde<NetworkFlow> withVerdictKnown = new SingleObjectSerde<>(NetworkFlow.class,
                SchemaHistory.withExtra(java.util.List.of(Verdict.getClassSchema())));
        SerializationException e = assertThrows(SerializationException.class,
                () -> withVerdictKnown.deserializer().deserialize("flows", verdict));
        assertTrue(e.getMessage().contains("written as sif.schemas.avro.Verdict"), e.getMessage());
        // and without it known: unknown fingerprint
        assertTrue(rejects(verdict).getMessage().contains("unknown schema fingerprint"));
    }

    /**
     * A record that declares a field far longer than itself (60 bytes declaring a 1.9 GB flow id): Avro
     * would allocate the declared length before reading it (an OutOfMemoryError on a 256 MB heap);
     * with {@link AvroLimits} it refuses the length, and the serde reports an ordinary
     * SerializationException, which the firewall dead-letters.
     */
    @Test
    void aDeclaredLengthBeyondTheLimitIsRefusedBeforeAnythingIsAllocated() {
        Serde<NetworkFlow> serde = AvroSerdes.singleObject(NetworkFlow.class);
        assertTrue(AvroLimits.effective(), "the limits are in force");
        byte[] good = serde.serializer().serialize("t", TestRecords.networkFlow());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(good, 0, 10); // marker and fingerprint
        long n = 1_900_000_000L;
        long z = n << 1; // zig-zag varint of the flow id's length
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        out.writeBytes(new byte[50]);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserializer().deserialize("t", out.toByteArray()));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertEquals(org.apache.avro.SystemLimitException.class, root.getClass(), e.toString());
    }
}
