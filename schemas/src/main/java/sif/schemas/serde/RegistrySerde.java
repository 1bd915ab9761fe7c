package sif.schemas.serde;

import io.apicurio.registry.rest.client.exception.RestClientException;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.IdOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Registry mode: Apicurio Registry's Avro serdes in Confluent-compatible framing — magic byte
 * {@code 0x00}, the schema's 4-byte big-endian content id, then the Avro binary body, with no
 * Apicurio headers — so consumers built on Confluent's {@code KafkaAvroDeserializer} can read the
 * topics. Artifacts are named by Apicurio's default topic strategy ({@code <topic>-value} /
 * {@code <topic>-key}), which matches Confluent's TopicNameStrategy subjects.
 *
 * <p>Null-safe; failures are rethrown as {@link SerializationException} naming the topic and type:
 * a {@link RegistryUnavailableException} when the registry could not be asked (the record may be fine),
 * a plain one otherwise.
 */
public final class RegistrySerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> type;
    private final Serializer<T> serializer;
    private final Deserializer<T> deserializer;

    /**
     * Builds and configures the Apicurio serializer/deserializer from {@code config} (see
     * {@link #apicurioConfig(Map)}).
     */
    public RegistrySerde(Class<T> type, Map<String, ?> config, boolean isKey) {
        this(type, AvroKafkaSerializer::new, new AvroKafkaDeserializer<>(), config, isKey);
    }

    /**
     * With given (e.g. pre-wired) Apicurio serializers and deserializer, which are configured here.
     * Used by tests to supply a schema resolver that needs no registry server.
     *
     * @param serializers makes the Apicurio serializer of each topic written to (see {@link #serializer()})
     */
    public RegistrySerde(Class<T> type, Supplier<AvroKafkaSerializer<T>> serializers,
                         AvroKafkaDeserializer<T> deserializer, Map<String, ?> config, boolean isKey) {
        AvroLimits.ensure();
        this.type = Objects.requireNonNull(type, "type");
        Map<String, Object> apicurio = apicurioConfig(config);
        deserializer.configure(apicurio, isKey);
        this.serializer = new Guarded(() -> {
            AvroKafkaSerializer<T> s = serializers.get();
            s.configure(apicurio, isKey);
            return s;
        });
        this.deserializer = new GuardedDeserializer(deserializer);
    }

    /**
     * The Apicurio configuration for {@code config}: every entry of {@code config} is kept (so any
     * {@code apicurio.*} key can be set directly); {@code schema.registry.url} becomes
     * {@code apicurio.registry.url} unless that is set; then, unless set explicitly:
     * <ul>
     *   <li>{@code apicurio.registry.id-handler=io.apicurio.registry.serde.Legacy4ByteIdHandler} (4-byte
     *       ids; what {@code apicurio.registry.as-confluent=true} selects — that key, if given, is
     *       honoured instead)</li>
     *   <li>{@code apicurio.registry.use-id=contentId} (the id Confluent's API exposes)</li>
     *   <li>{@code apicurio.registry.headers.enabled=false} (id in the payload, not in headers)</li>
     *   <li>{@code apicurio.registry.auto-register=true},
     *       {@code apicurio.registry.auto-register.if-exists=RETURN_OR_UPDATE}</li>
     *   <li>{@code apicurio.registry.use-specific-avro-reader=true} (generated classes)</li>
     * </ul>
     */
    public static Map<String, Object> apicurioConfig(Map<String, ?> config) {
        Map<String, Object> c = new HashMap<>(config);
        Object url = config.get(AvroSerdes.SCHEMA_REGISTRY_URL);
        if (url != null && !url.toString().isBlank()) {
            c.putIfAbsent(SerdeConfig.REGISTRY_URL, url.toString());
        }
        if (!c.containsKey(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER)) {
            // what apicurio.registry.as-confluent=true selects, named directly (setting both logs a warning)
            c.putIfAbsent(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        }
        c.putIfAbsent(SerdeConfig.USE_ID, IdOption.contentId.name());
        c.putIfAbsent(SerdeConfig.ENABLE_HEADERS, "false");
        c.putIfAbsent(SerdeConfig.AUTO_REGISTER_ARTIFACT, "true");
        c.putIfAbsent(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "RETURN_OR_UPDATE");
        c.putIfAbsent(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, "true");
        return c;
    }

    /**
     * One serializer for any number of topics, with an Apicurio serializer of its own per topic:
     * Apicurio's serializer remembers a schema it has registered by its content, so one shared by
     * several topics registered the schema under the first topic it wrote only (the firewall's three
     * verdict topics, found against a real Apicurio Registry by {@code FirewallEndToEndIT}).
     */
    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }

    /**
     * {@code e} as a {@link SerializationException}: a {@link RegistryUnavailableException} when the
     * registry could not be asked — the REST client's error has no HTTP status (connection refused, a
     * timeout: the client names the I/O exception) or a 5xx / 429 one, or a {@code java.net} I/O
     * exception is in the chain — and a plain one otherwise (an unknown id, a refused schema, a body that
     * does not decode, an answer that does not parse).
     */
    static SerializationException failure(String what, RuntimeException e) {
        Integer status = null;
        String name = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof RestClientException r && r.getError() != null) {
                status = r.getError().getErrorCode();
                name = r.getError().getName();
                break;
            }
            if (c instanceof java.io.IOException && c.getClass().getName().startsWith("java.net.")) {
                // the HTTP exchange itself (ConnectException, SocketTimeoutException, HttpTimeoutException, ...);
                // not any IOException: a truncated body's EOFException or a malformed answer's
                // JsonMappingException are bad data, and calling them an outage would stop the thread forever
                return new RegistryUnavailableException(what + ": registry unreachable: " + c, e);
            }
        }
        if (name != null && (status == null || status == 0 || status >= 500 || status == 429)) {
            return new RegistryUnavailableException(what + ": registry unavailable: "
                    + (status == null || status == 0 ? name : "HTTP " + status + " " + name), e);
        }
        return new SerializationException(what + ": " + (status != null ? "HTTP " + status + " " + name + " " : "") + e, e);
    }

    private final class Guarded implements Serializer<T> {
        private final Supplier<AvroKafkaSerializer<T>> factory;
        /** By topic ({@code ""} for none). */
        private final Map<String, AvroKafkaSerializer<T>> byTopic = new ConcurrentHashMap<>();

        Guarded(Supplier<AvroKafkaSerializer<T>> factory) {
            this.factory = factory;
        }

        @Override
        public byte[] serialize(String topic, T data) {
            return serialize(topic, null, data);
        }

        @Override
        public byte[] serialize(String topic, Headers headers, T data) {
            if (data == null) {
                return null;
            }
            try {
                AvroKafkaSerializer<T> delegate = byTopic.computeIfAbsent(topic == null ? "" : topic, t -> factory.get());
                return headers == null ? delegate.serialize(topic, data) : delegate.serialize(topic, headers, data);
            } catch (SerializationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failure("registry serialization of " + type.getSimpleName() + " for topic " + topic + " failed", e);
            }
        }

        @Override
        public void close() {
            byTopic.values().forEach(AvroKafkaSerializer::close);
        }
    }

    private final class GuardedDeserializer implements Deserializer<T> {
        private final Deserializer<T> delegate;

        GuardedDeserializer(Deserializer<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            return deserialize(topic, null, data);
        }

        @Override
        public T deserialize(String topic, Headers headers, byte[] data) {
            if (data == null) {
                return null;
            }
            if (data.length < 5 || data[0] != 0) {
                throw new SerializationException(String.format(
                        "not registry framing for %s from topic %s: %d bytes, first byte %s; expected magic byte 00"
                                + " + 4-byte schema id", type.getSimpleName(), topic, data.length,
                        data.length == 0 ? "none" : String.format("%02X", data[0] & 0xFF)));
            }
            Object value;
            try {
                value = headers == null ? delegate.deserialize(topic, data) : delegate.deserialize(topic, headers, data);
            } catch (SerializationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failure("registry deserialization of " + type.getSimpleName() + " from topic " + topic
                        + " failed (" + data.length + " bytes)", e);
            }
            if (value != null && !type.isInstance(value)) {
                throw new SerializationException("registry record on topic " + topic + " is a "
                        + value.getClass().getName() + ", expected " + type.getName());
            }
            return type.cast(value);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
