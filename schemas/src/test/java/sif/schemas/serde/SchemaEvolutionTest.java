package sif.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import sif.schemas.TestRecords;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;

/**
 * Records written with the previous schema versions (copies kept in src/test/resources/avro/v1,
 * independent of the bundled history) decode with the current classes via schema resolution.
 */
class SchemaEvolutionTest {

    static Schema v1(String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/avro/v1/" + name + ".avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    /** Writes {@code current} as the v1 writer would: the v1 fields, single-object encoded with the v1 fingerprint. */
    static byte[] writeAsV1(Schema v1, SpecificRecordBase current) throws IOException {
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            Object value = current.get(current.getSchema().getField(f.name()).pos());
            if (value instanceof Enum<?> e) {
                value = new GenericData.EnumSymbol(f.schema(), e.name());
            }
            old.put(f.name(), value);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old, out);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"NetworkFlow", "Verdict", "IdentityEvent"})
    void currentReadsV1(String name) throws IOException {
        Schema v1 = v1(name);
        Schema current = switch (name) {
            case "NetworkFlow" -> NetworkFlow.getClassSchema();
            case "Verdict" -> Verdict.getClassSchema();
            default -> IdentityEvent.getClassSchema();
        };
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(current, v1).getType(),
                name + ": the current schema must read v1 data");
    }

    @Test
    void networkFlowV1DecodesWithDefaults() throws IOException {
        Schema v1 = v1("NetworkFlow");
        assertNotEquals(SchemaHistory.fingerprint(v1), SchemaHistory.fingerprint(NetworkFlow.getClassSchema()),
                "v2 added fields, so its fingerprint differs");
        NetworkFlow written = TestRecords.networkFlow();
        written.setSensor("not in v1");
        byte[] bytes = writeAsV1(v1, written);
        assertEquals(SchemaHistory.fingerprint(v1), SingleObjectSerde.fingerprintOf(bytes));

        NetworkFlow read = AvroSerdes.serde(NetworkFlow.class, Map.of(), false).deserializer().deserialize("flows", bytes);
        assertNull(read.getSensor(), "field added in v2 takes its default");
        written.setSensor(null);
        assertEquals(written, read);
    }

    @Test
    void verdictV1DecodesWithDefaults() throws IOException {
        Verdict written = TestRecords.verdict();
        byte[] bytes = writeAsV1(v1("Verdict"), written);
        Verdict read = AvroSerdes.singleObject(Verdict.class).deserializer().deserialize("flows.blocked", bytes);
        assertNull(read.getIdentityAgeMs());
        assertNull(read.getFlowsSinceVerification());
        assertEquals(written.getFlowId(), read.getFlowId());
        assertEquals(written.getProbabilities(), read.getProbabilities());
        assertEquals(written.getDecision(), read.getDecision());
        assertEquals(written.getIdentityStatus(), read.getIdentityStatus());
        assertEquals(written.getReasons(), read.getReasons());
    }

    @Test
    void identityEventV1IsCurrent() throws IOException {
        IdentityEvent written = TestRecords.identityEvent();
        byte[] bytes = writeAsV1(v1("IdentityEvent"), written);
        assertEquals(written, AvroSerdes.singleObject(IdentityEvent.class).deserializer().deserialize("identity", bytes));
    }

    @Test
    void bundledHistoryHoldsTheTestCopiesOfV1() throws IOException {
        for (String name : List.of("NetworkFlow", "Verdict")) {
            Schema v1 = v1(name);
            assertNotNull(SchemaHistory.bundled().findByFingerprint(SchemaHistory.fingerprint(v1)),
                    name + " v1 must be listed in sif/schemas/avro/history/index.txt");
        }
    }
}
