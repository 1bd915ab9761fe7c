package sif.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;

/**
 * Pins the fingerprint of every current schema. When this fails you changed a schema in
 * src/main/avro: (1) copy the PREVIOUS .avsc (from git) to
 * src/main/resources/sif/schemas/avro/history/Name.vN.avsc and list it in index.txt, so records
 * already on the topics still decode; (2) make sure every new field has a default; (3) update the
 * fingerprint here.
 */
class SchemaPinTest {

    @Test
    void currentSchemaFingerprints() {
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("NetworkFlow", 0xf6e9aba3d8e6ec7dL);
        expected.put("Verdict", 0xe1300e9f141ecbefL);
        expected.put("IdentityEvent", 0xb2a007a2a22f8df3L);
        Map<String, Schema> current = Map.of("NetworkFlow", NetworkFlow.getClassSchema(), "Verdict",
                Verdict.getClassSchema(), "IdentityEvent", IdentityEvent.getClassSchema());
        expected.forEach((name, fp) -> assertEquals(String.format("%016x", fp),
                String.format("%016x", SchemaHistory.fingerprint(current.get(name))),
                name + " changed: add its previous version to the schema history (see this test's javadoc)"));
    }
}
