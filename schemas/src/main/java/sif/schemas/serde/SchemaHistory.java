package sif.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * The previous versions of SIF's Avro schemas, shipped as resources under
 * {@code sif/schemas/avro/history/} and listed in its {@code index.txt}, as a {@link SchemaStore}:
 * single-object decoders look up writer schemas here by their CRC-64-AVRO fingerprint, so records
 * written by older producers still decode (Avro schema resolution fills new fields with their
 * defaults).
 *
 * <p>Immutable after construction and thread-safe.
 */
public final class SchemaHistory implements SchemaStore {

    private static final String DIR = "/sif/schemas/avro/history/";
    private static final SchemaHistory BUNDLED = load();

    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

    private SchemaHistory(List<Schema> schemas) {
        for (Schema s : schemas) {
            byFingerprint.put(fingerprint(s), s);
        }
    }

    /** The schema versions bundled with this jar. */
    public static SchemaHistory bundled() {
        return BUNDLED;
    }

    /** A store holding the bundled versions plus {@code extra} (e.g. for tests or hot-added versions). */
    public static SchemaHistory withExtra(List<Schema> extra) {
        List<Schema> all = new ArrayList<>(BUNDLED.byFingerprint.values());
        all.addAll(extra);
        return new SchemaHistory(all);
    }

    /** The CRC-64-AVRO fingerprint of a schema's parsing canonical form, as single-object encoding writes it. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** All historical versions of the named record (full name), any order. */
    public List<Schema> versionsOf(String fullName) {
        return byFingerprint.values().stream().filter(s -> s.getFullName().equals(fullName)).toList();
    }

    private static SchemaHistory load() {
        List<Schema> schemas = new ArrayList<>();
        for (String name : readIndex()) {
            try (InputStream in = SchemaHistory.class.getResourceAsStream(DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("schema history lists " + name + " but " + DIR + name
                            + " is not on the classpath");
                }
                schemas.add(new Schema.Parser().parse(in)); // one parser per file: versions share names
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history resource " + DIR + name, e);
            }
        }
        return new SchemaHistory(schemas);
    }

    private static List<String> readIndex() {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(DIR + "index.txt")) {
            if (in == null) {
                return List.of();
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIR + "index.txt", e);
        }
    }
}
