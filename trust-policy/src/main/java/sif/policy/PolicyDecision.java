package sif.policy;

import java.util.List;

/**
 * The policy's verdict on one flow.
 *
 * @param decision     ALLOW, BLOCK or ALERT
 * @param suppressed   true when a suppression rule turned a model ALERT/BLOCK into ALLOW (the
 *                     verdict is still recorded, marked suppressed, and raises no alert)
 * @param reasons      the rules that fired, in evaluation order. Format {@code kind:detail}; a
 *                     rule that set the decision ends with {@code =>DECISION}, e.g.
 *                     {@code deny:tor-exits=>BLOCK}, {@code model:DoS p=0.930>0.85=>BLOCK},
 *                     {@code suppress:nightly-scan=>ALLOW}, {@code zero-trust:STALE=>BLOCK}
 * @param decidingRule the reason that set the final decision (the last one with {@code =>})
 * @param policyVersion version string of the rule set that decided
 */
public record PolicyDecision(Decision decision, boolean suppressed, List<String> reasons, String decidingRule,
                             String policyVersion) {

    public PolicyDecision {
        reasons = List.copyOf(reasons);
    }

    /** What {@link #ruleId} makes of a model reason for a flow outside the model's training range. */
    public static final String OUT_OF_RANGE_RULE = "model-out-of-range:";

    /**
     * The rule id of a reason: the text before {@code =>} and its figures ({@code "deny:tor-exits"}, {@code
     * "model:DDoS"}); a model reason for a flow with an input outside the model's training range is {@code
     * model-out-of-range:<class>}, so that a SIEM can tell it from the model's own detections.
     */
    public static String ruleId(String reason) {
        int arrow = reason.indexOf("=>");
        String head = arrow < 0 ? reason : reason.substring(0, arrow);
        int space = head.indexOf(' ');
        String id = space < 0 ? head : head.substring(0, space);
        if (id.startsWith("model:") && head.contains(" input-out-of-range[")) {
            return OUT_OF_RANGE_RULE + id.substring("model:".length());
        }
        return id;
    }
}
