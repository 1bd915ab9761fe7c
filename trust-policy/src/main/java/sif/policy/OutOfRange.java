package sif.policy;

import java.util.List;
import java.util.Locale;

/**
 * What the policy does with the model's verdict on a flow that has an input outside the values the model
 * was trained on (the model's output for it is an extrapolation, however confident; see
 * {@link FlowContext#outOfRange()}).
 */
public enum OutOfRange {
    /**
     * The default: the model may not ALLOW such a flow (its ALLOW becomes ALERT); its BLOCK and ALERT stand.
     * Fail-closed both ways: a model extrapolating lets nothing through, and an attacker who puts an input
     * out of range (a TCP flag the training data never had) does not turn a BLOCK into an ALERT.
     */
    NO_ALLOW,
    /**
     * Every such flow is ALERTed, whatever the class and confidence: the model neither blocks nor allows
     * what it has not seen the like of. For bringing a model up on a network unlike its training data, where
     * it would block benign hosts; an attacker who can put an input out of range gets an ALERT, not a BLOCK.
     */
    ALERT,
    /** Every such flow is BLOCKed. */
    BLOCK,
    /** The model decides as for any flow; the reasons still name the inputs outside. */
    MODEL;

    /** The default. */
    public static final OutOfRange DEFAULT = NO_ALLOW;

    /**
     * {@code no-allow}, {@code alert}, {@code block} or {@code model} (any case); null or blank is the
     * {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming {@code where} and the accepted values
     */
    public static OutOfRange parse(String value, String where) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "no-allow" -> NO_ALLOW;
            case "alert" -> ALERT;
            case "block" -> BLOCK;
            case "model" -> MODEL;
            default -> throw new IllegalArgumentException(where + " must be 'no-allow', 'alert', 'block' or 'model', "
                    + "got '" + value + "'");
        };
    }

    /**
     * The inputs outside, as the verdict's reasons give them: {@code [A,B,C+2]} (the first three as given — the
     * flow's own in the model's input order, then {@code earlier:<input>} for those of earlier flows of its
     * sequence — and how many more).
     */
    public static String names(List<String> inputs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(3, inputs.size()); i++) {
            sb.append(i == 0 ? "" : ",").append(inputs.get(i));
        }
        if (inputs.size() > 3) {
            sb.append('+').append(inputs.size() - 3);
        }
        return sb.append(']').toString();
    }

    /** What becomes of the model's action {@code model} for a flow outside the range. */
    public Decision apply(Decision model) {
        return switch (this) {
            case NO_ALLOW -> model == Decision.ALLOW ? Decision.ALERT : model;
            case ALERT -> Decision.ALERT;
            case BLOCK -> Decision.BLOCK;
            case MODEL -> model;
        };
    }

    /** The setting's spelling ({@code no-allow}, {@code alert}, ...). */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
