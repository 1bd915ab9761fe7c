package sif.firewall;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import sif.schemas.avro.Decision;
import sif.schemas.avro.Verdict;

/**
 * A flow the policy decided: its {@link Verdict}, bound for the allowed, blocked or alerts topic, and
 * the verdict's value bytes for that topic, made by the policy step ({@link VerdictEncoder}).
 */
public record Decided(Verdict verdict, byte[] encoded) implements FirewallEvent {

    /** The verdict sinks' value serde: writes the bytes the policy step made (write-only). */
    static final Serde<FirewallEvent> ENCODED = new Serde<>() {
        @Override
        public Serializer<FirewallEvent> serializer() {
            return (topic, event) -> ((Decided) event).encoded();
        }

        @Override
        public Deserializer<FirewallEvent> deserializer() {
            throw new UnsupportedOperationException("decided flows are written, never read, as such");
        }
    };

    /** A predicate for {@code split()}: the decided flow's decision is {@code d}. */
    static boolean is(FirewallEvent event, Decision d) {
        return ((Decided) event).verdict().getDecision() == d;
    }
}
