package sif.firewall.trust;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import sif.firewall.FirewallConfig;
import sif.firewall.FlowContext;
import sif.firewall.TrustStep;
import sif.firewall.metrics.FirewallMetrics;
import sif.schemas.avro.IdentityEvent;
import sif.schemas.serde.AvroSerdes;

/**
 * The zero-trust step of the firewall topology ({@link TrustStep}): adds the global identity store
 * fed by the {@code identity} topic, the named {@link ZeroTrustProcessor} (node {@value #NAME},
 * owning {@value ZeroTrustProcessor#SOURCE_STORE}) and the challenge sink to
 * {@code identity.challenges} (JSON values keyed by source IP), and returns the flows with their
 * identity findings.
 *
 * <p>Nodes: {@value IdentityStore#SOURCE} → {@value IdentityStore#UPDATER} (global store
 * {@value IdentityStore#STORE}); {@value #NAME} → {@value #CHALLENGE_FILTER} →
 * {@value #CHALLENGE_JSON} → {@value #CHALLENGE_SINK}; {@value #NAME} → {@value #FLOWS}.
 */
public final class ZeroTrustStep implements TrustStep {

    public static final String NAME = TrustStep.PASS_THROUGH_NAME; // "zero-trust": same node name as the pass-through
    public static final String CHALLENGE_FILTER = "zero-trust-challenges";
    public static final String CHALLENGE_JSON = "zero-trust-challenge-json";
    public static final String CHALLENGE_SINK = "identity-challenges-sink";
    public static final String FLOWS = "zero-trust-flows";

    private final FirewallMetrics metrics;

    public ZeroTrustStep(FirewallMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public KStream<String, FlowContext> apply(StreamsBuilder builder, KStream<String, FlowContext> flows,
                                              FirewallConfig config) {
        TrustConfig tc = TrustConfig.from(config);
        IdentityStore.addTo(builder, tc.identityTopic(),
                AvroSerdes.serde(IdentityEvent.class, config.serdeConfig(), false));
        KStream<String, TrustedFlow> assessed = flows.processValues(ZeroTrustProcessor.supplier(tc, metrics),
                Named.as(NAME));
        assessed.filter((k, v) -> v.challenge() != null, Named.as(CHALLENGE_FILTER))
                .processValues(ChallengeJson::new, Named.as(CHALLENGE_JSON))
                .to(tc.challengesTopic(), Produced.with(Serdes.String(), Serdes.String()).withName(CHALLENGE_SINK));
        return assessed.mapValues(TrustedFlow::flow, Named.as(FLOWS));
    }

    /**
     * A challenge as JSON, without the flow's headers: it is the firewall's record, and a flow's headers
     * are a producer's (of any size) or, for a re-keyed flow, where it was first read.
     */
    private static final class ChallengeJson implements FixedKeyProcessor<String, TrustedFlow, String> {
        private FixedKeyProcessorContext<String, String> context;

        @Override
        public void init(FixedKeyProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, TrustedFlow> record) {
            context.forward(record.withValue(Json.write(record.value().challenge())).withHeaders(new RecordHeaders()));
        }
    }
}
