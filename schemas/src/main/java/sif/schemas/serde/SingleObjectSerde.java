package sif.schemas.serde;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro binary in <a href="https://avro.apache.org/docs/current/specification/#single-object-encoding">
 * single-object encoding</a>: {@code C3 01}, the writer schema's 8-byte little-endian CRC-64-AVRO
 * fingerprint, then the Avro binary body. No registry is needed; the reader resolves the writer
 * schema from its fingerprint among the current schema and the {@link SchemaStore} of previous
 * versions, and applies Avro schema resolution.
 *
 * <p>Null-safe ({@code null} ↔ {@code null}, for tombstones). Every failure is a
 * {@link SerializationException} whose message says what was wrong: too short, bad marker, unknown
 * fingerprint, or a corrupt/truncated body (or trailing bytes). Thread-safe: Avro's message
 * encoder/decoder keep their buffers per thread.
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T> {

    /** Length of the single-object header: 2 marker bytes + 8 fingerprint bytes. */
    public static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private final Class<T> type;
    private final Schema schema;
    private final long fingerprint;
    private final SchemaStore history;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final Serializer<T> serializer = new SingleObjectSerializer();
    private final Deserializer<T> deserializer = new SingleObjectDeserializer();

    /**
     * @param type    the generated record class
     * @param history previous writer schemas to accept (e.g. {@link SchemaHistory#bundled()})
     */
    public SingleObjectSerde(Class<T> type, SchemaStore history) {
        AvroLimits.ensure();
        this.type = Objects.requireNonNull(type, "type");
        this.history = Objects.requireNonNull(history, "history");
        SpecificData model = codecModel(type);
        this.schema = model.getSchema(type);
        this.fingerprint = SchemaHistory.fingerprint(schema);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, history);
    }

    /**
     * The Avro model this serde encodes and decodes with: the generated classes' own field-by-field
     * coders ({@code customEncode}/{@code customDecode}), which read and write primitive fields
     * without boxing them, instead of Avro's reflective paths (the generic writer, and the "fast
     * reader" that boxes every double of a flow record through {@code put(int, Object)}). Schema
     * resolution against older writer schemas still goes through Avro's resolving decoder. A model of
     * its own, so that the generated classes' shared {@code MODEL$} is left as Avro configures it.
     */
    static SpecificData codecModel(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        model.setCustomCoders(true);
        model.setFastReaderEnabled(false);
        return model;
    }

    public Schema schema() {
        return schema;
    }

    /** Fingerprint of the current (writer) schema, as written in bytes 2..9 of every message. */
    public long fingerprint() {
        return fingerprint;
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    /** Reads the little-endian fingerprint of a message whose header is known to be complete. */
    static long fingerprintOf(byte[] data) {
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = (fp << 8) | (data[i] & 0xFFL);
        }
        return fp;
    }

    private final class SingleObjectSerializer implements Serializer<T> {
        @Override
        public byte[] serialize(String topic, T data) {
            if (data == null) {
                return null;
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
                encoder.encode(data, out);
                return out.toByteArray();
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot serialize " + type.getSimpleName() + " for topic " + topic
                        + ": " + e, e);
            }
        }
    }

    private final class SingleObjectDeserializer implements Deserializer<T> {
        @Override
        public T deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            String what = type.getSimpleName() + " from topic " + topic;
            if (data.length < HEADER_LENGTH) {
                throw new SerializationException("truncated single-object Avro header for " + what + ": "
                        + data.length + " bytes, need at least " + HEADER_LENGTH);
            }
            if (data[0] != MARKER_0 || data[1] != MARKER_1) {
                String hint = data[0] == 0
                        ? " (starts with 0x00: looks like registry framing, magic byte + schema id;"
                                + " set schema.registry.url to read it)"
                        : "";
                throw new SerializationException(String.format(
                        "not Avro single-object encoding for %s: marker %02X %02X, expected C3 01%s",
                        what, data[0] & 0xFF, data[1] & 0xFF, hint));
            }
            long fp = fingerprintOf(data);
            Schema writer = fp == fingerprint ? schema : history.findByFingerprint(fp);
            if (writer == null) {
                throw new SerializationException(String.format(
                        "unknown schema fingerprint %016x for %s: not the current %s schema (%016x) nor a "
                                + "known previous version", fp, what, schema.getFullName(), fingerprint));
            }
            if (!writer.getFullName().equals(schema.getFullName()) && !schema.getAliases().contains(writer.getFullName())) {
                throw new SerializationException("record type mismatch for " + what + ": the message was written as "
                        + writer.getFullName() + " (fingerprint " + String.format("%016x", fp) + ")");
            }
            ByteArrayInputStream in = new ByteArrayInputStream(data);
            T value;
            try {
                value = decoder.decode(in, null);
            } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                     | ClassCastException e) {
                throw new SerializationException("corrupt or truncated Avro body for " + what + " ("
                        + data.length + " bytes, writer schema fingerprint " + String.format("%016x", fp) + "): " + e, e);
            } catch (RuntimeException e) {
                throw new SerializationException("cannot decode " + what + " (" + data.length + " bytes): " + e, e);
            }
            if (in.available() > 0) {
                throw new SerializationException("corrupt Avro body for " + what + ": " + in.available()
                        + " trailing bytes after the record (" + data.length + " bytes in all)");
            }
            return value;
        }
    }
}
