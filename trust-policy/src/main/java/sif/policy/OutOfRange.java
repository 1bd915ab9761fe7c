package sif.policy;

import java.util.List;
import java.util.Locale;

/**
 * What the policy does with the model's verdict on a flow that has an input outside the values the model
 * was trained on (the model's output for it is an extrapolation, however confident; see
 * {@link FlowContext#outOfRange()}).
 */
public enum OutOfRange {
    /** The model's action becomes ALERT, whatever the class and confidence (the default). */
    ALERT,
    /** The model's action becomes BLOCK. */
    BLOCK,
    /** The model decides as for any flow; the reasons still name the inputs outside. */
    MODEL;

    /** The default: a model does not block or allow on its own what it has not seen the like of. */
    public static final OutOfRange DEFAULT = ALERT;

    /**
     * {@code alert}, {@code block} or {@code model} (any case); null or blank is the {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming {@code where} and the accepted values
     */
    public static OutOfRange parse(String value, String where) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "alert" -> ALERT;
            case "block" -> BLOCK;
            case "model" -> MODEL;
            default -> throw new IllegalArgumentException(where + " must be 'alert', 'block' or 'model', got '"
                    + value + "'");
        };
    }

    /** The inputs outside, as the verdict's reasons give them: {@code [A,B,C+2]} (the first three, and how many more). */
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

    /** The decision that replaces the model's, or null when the model's stands. */
    public Decision replacement() {
        return switch (this) {
            case ALERT -> Decision.ALERT;
            case BLOCK -> Decision.BLOCK;
            case MODEL -> null;
        };
    }
}
