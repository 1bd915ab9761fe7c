package sif.firewall;

import java.util.List;
import sif.schemas.avro.IdentityStatus;

/**
 * Turns a model score (plus what the zero-trust step found) into a firewall decision. Plain Java,
 * no Kafka: implementations are unit-tested alone and handed to
 * {@link FirewallTopology#buildTopology}. Must be thread-safe (stream threads share it).
 */
public interface Policy {

    Decision decide(Input input);

    /** A firewall action. */
    enum Action { ALLOW, BLOCK, ALERT }

    /**
     * What the policy sees about one flow.
     *
     * @param classNames     the model's classes, in output order
     * @param probabilities  calibrated probabilities, same order
     * @param predicted      index of the most probable class
     * @param priorReasons   rules that fired before the policy (e.g. zero trust), in order
     * @param outOfRange     the inputs that lie outside the values the model was trained on
     *                       ({@code sif.model.data.InputRange}) in the sequence it judged the flow by: the
     *                       flow's own by name, then those of earlier flows of its sequence as
     *                       {@code earlier:<input>}; empty when none does, or when the model cannot say.
     *                       The model's output for such a flow is an extrapolation.
     */
    record Input(String srcIp, int srcPort, String dstIp, int dstPort, int protocol,
                 String principal, IdentityStatus identityStatus,
                 List<String> classNames, float[] probabilities, int predicted, List<String> priorReasons,
                 List<String> outOfRange) {

        public Input {
            outOfRange = outOfRange == null ? List.of() : outOfRange;
        }

        /** A flow whose inputs are all inside the model's training range. */
        public Input(String srcIp, int srcPort, String dstIp, int dstPort, int protocol, String principal,
                     IdentityStatus identityStatus, List<String> classNames, float[] probabilities, int predicted,
                     List<String> priorReasons) {
            this(srcIp, srcPort, dstIp, dstPort, protocol, principal, identityStatus, classNames, probabilities,
                    predicted, priorReasons, List.of());
        }

        public String predictedClass() {
            return classNames.get(predicted);
        }

        public double confidence() {
            return probabilities[predicted];
        }
    }

    /**
     * @param action     what to do
     * @param reasons    every rule that fired, in order (prior reasons first)
     * @param suppressed the verdict matched a suppression rule (recorded, not alerted)
     */
    record Decision(Action action, List<String> reasons, boolean suppressed) {
        public Decision {
            reasons = List.copyOf(reasons);
        }
    }
}
