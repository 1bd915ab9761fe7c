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

    /** The rule id of a reason: the text before {@code =>} and its details ({@code "deny:tor-exits"}). */
    public static String ruleId(String reason) {
        int arrow = reason.indexOf("=>");
        String head = arrow < 0 ? reason : reason.substring(0, arrow);
        int space = head.indexOf(' ');
        return space < 0 ? head : head.substring(0, space);
    }
}
