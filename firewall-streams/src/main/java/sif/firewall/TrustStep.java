package sif.firewall;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The zero-trust step's slot in the topology, between validation and the sequence/inference step.
 * The trust module implements it: it may add its own sources, stores and processors to
 * {@code builder} (e.g. the identity topic) and must return one {@link FlowContext} per input flow,
 * keyed by source IP, typically {@link FlowContext#withIdentity} with the identity status, principal
 * and the rules that fired. Every node it adds must be explicitly named.
 */
@FunctionalInterface
public interface TrustStep {

    /** Name of the pass-through node. */
    String PASS_THROUGH_NAME = "zero-trust";

    KStream<String, FlowContext> apply(StreamsBuilder builder, KStream<String, FlowContext> flows,
                                       FirewallConfig config);

    /** Until the zero-trust module lands: a named node that leaves flows NOT_EVALUATED. */
    static TrustStep passThrough() {
        return (builder, flows, config) -> flows.processValues(PassThrough::new, Named.as(PASS_THROUGH_NAME));
    }

    /** Forwards each flow unchanged. */
    final class PassThrough implements FixedKeyProcessor<String, FlowContext, FlowContext> {
        private FixedKeyProcessorContext<String, FlowContext> context;

        @Override
        public void init(FixedKeyProcessorContext<String, FlowContext> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, FlowContext> record) {
            context.forward(record);
        }
    }
}
