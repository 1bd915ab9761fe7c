package sif.schemas;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.LinkedHashMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * Topic names and their serdes, travelling together (immutable). Keys are strings everywhere
 * (source IP, principal or CIDR); values:
 * <ul>
 *   <li>{@code flows}: {@link NetworkFlow}; {@code verdicts} for allowed/blocked: {@link Verdict};</li>
 *   <li>{@code alerts}: JSON text (ECS or OCSF document); {@code policy}: JSON/YAML text;</li>
 *   <li>{@code challenges}, {@code blocklist}: JSON text (the firewall's {@code Challenge} and
 *       {@code BlocklistEntry} documents; a blocklist tombstone is an unblock);</li>
 *   <li>{@code dlq}: the rejected bytes as they arrived;</li>
 *   <li>{@code identityEvents}: {@link IdentityEvent}.</li>
 * </ul>
 * The Avro serdes are chosen by {@link AvroSerdes#serde} from the same configuration (single-object
 * encoding by default, Apicurio registry framing when {@code schema.registry.url} is set).
 */
public record TopicsAndSerdes(
        Topics topics,
        Serde<String> keys,
        Serde<NetworkFlow> flows,
        Serde<Verdict> verdicts,
        Serde<String> alerts,
        Serde<byte[]> dlq,
        Serde<IdentityEvent> identityEvents,
        Serde<String> challenges,
        Serde<String> policy,
        Serde<String> blocklist) {

    public TopicsAndSerdes {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(flows, "flows");
        Objects.requireNonNull(verdicts, "verdicts");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(dlq, "dlq");
        Objects.requireNonNull(identityEvents, "identityEvents");
        Objects.requireNonNull(challenges, "challenges");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(blocklist, "blocklist");
    }

    /** Topic names ({@code sif.topic.*}) and serdes ({@code schema.registry.url}, {@code apicurio.*}) from one config. */
    public static TopicsAndSerdes from(Map<String, ?> config) {
        return new TopicsAndSerdes(
                Topics.from(config),
                Serdes.String(),
                AvroSerdes.serde(NetworkFlow.class, config, false),
                AvroSerdes.serde(Verdict.class, config, false),
                Serdes.String(),
                Serdes.ByteArray(),
                AvroSerdes.serde(IdentityEvent.class, config, false),
                Serdes.String(),
                Serdes.String(),
                Serdes.String());
    }

    /** Like {@link #from(Map)}, for a properties file's contents. */
    public static TopicsAndSerdes from(Properties props) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            m.put(name, props.getProperty(name));
        }
        return from(m);
    }

    /** Default topic names and the default (single-object) serdes. */
    public static TopicsAndSerdes defaults() {
        return from(Map.of());
    }
}
