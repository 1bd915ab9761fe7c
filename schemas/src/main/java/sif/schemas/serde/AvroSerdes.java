package sif.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one place that builds SIF's Avro serdes.
 *
 * <ul>
 *   <li><b>Default</b> (no {@value #SCHEMA_REGISTRY_URL}): {@link SingleObjectSerde} — Avro binary,
 *       single-object encoding ({@code C3 01} + 8-byte schema fingerprint + body); previous schema
 *       versions from {@link SchemaHistory#bundled()} are resolved.</li>
 *   <li><b>Registry</b> ({@value #SCHEMA_REGISTRY_URL} set, non-blank): {@link RegistrySerde} —
 *       Apicurio serdes in Confluent-compatible framing ({@code 00} + 4-byte id + body).</li>
 * </ul>
 */
public final class AvroSerdes {

    /** Config key; when set (non-blank) the registry mode is used and this is the registry's URL. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    static {
        AvroLimits.ensure(); // before any serde decodes: Avro reads its limits once
    }

    private AvroSerdes() {}

    /**
     * A serde for {@code type} in the mode {@code config} selects. {@code config} may be e.g. the
     * application's properties as a map; only {@value #SCHEMA_REGISTRY_URL} and {@code apicurio.*}
     * keys are read. The returned serde is already configured (Kafka calling {@code configure}
     * again is harmless for the default mode; do not hand the registry serde to Kafka by class name).
     */
    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> config, boolean isKey) {
        return registryMode(config) ? new RegistrySerde<>(type, config, isKey) : singleObject(type);
    }

    /** The default mode's serde, independent of any config. */
    public static <T extends SpecificRecord> Serde<T> singleObject(Class<T> type) {
        return new SingleObjectSerde<>(type, SchemaHistory.bundled());
    }

    /** Whether {@code config} selects registry mode. */
    public static boolean registryMode(Map<String, ?> config) {
        Object url = config == null ? null : config.get(SCHEMA_REGISTRY_URL);
        return url != null && !url.toString().isBlank();
    }
}
