package sif.policy;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * The policy document as written in YAML or JSON (see the module README for the format). Plain
 * data; {@link CompiledPolicy#compile} validates and precomputes it. Unknown keys are rejected.
 *
 * @param version             free-form version string, echoed in verdict reasons and alerts
 * @param confidenceThreshold an attack class is acted on only when its confidence is strictly
 *                            greater than this (default 0.85)
 * @param mode                {@code enforce} (default) or {@code rollout}: untrusted flows are
 *                            BLOCKed in enforce mode and ALERTed in rollout mode, never ALLOWed
 * @param defaultAction       action for classes not listed (default ALERT)
 * @param belowThreshold      action for a non-ALLOW class at or below its threshold (default ALERT)
 * @param inputOutOfRange     {@code no-allow} (default), {@code alert}, {@code block} or {@code model}: what
 *                            becomes of the model's action for a flow with an input outside the values the
 *                            model was trained on ({@link OutOfRange})
 * @param classes             per-class action and optional threshold; absent = the built-in ones
 *                            of {@link #defaults()}
 * @param zeroTrust           zero-trust scope options
 * @param deny                deny-list: a match BLOCKs, whatever the model says
 * @param suppress            allow-list/suppression: a match turns a model ALERT/BLOCK into ALLOW,
 *                            marked suppressed
 * @param segmentation        least privilege: principal → allowed destinations
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyRules(
        String version,
        Double confidenceThreshold,
        String mode,
        Decision defaultAction,
        Decision belowThreshold,
        String inputOutOfRange,
        Map<String, ClassRule> classes,
        ZeroTrust zeroTrust,
        List<Selector> deny,
        List<Selector> suppress,
        List<Segment> segmentation) {

    /** Per-class action; {@code confidenceThreshold} overrides the global one for this class. */
    public record ClassRule(Decision action, Double confidenceThreshold) {
    }

    /**
     * Zero-trust options.
     *
     * @param exemptSources sources outside the zero-trust scope (e.g. public clients of a public
     *                      service): the untrusted-never-allowed floor does not apply to them
     */
    public record ZeroTrust(List<String> exemptSources) {
    }

    /**
     * A deny or suppression entry. Every non-empty criterion must match (AND); an empty criterion
     * matches anything; at least one criterion is required.
     *
     * @param id           rule id (unique per list), appears in reasons
     * @param sources      source CIDRs
     * @param destinations destination CIDRs
     * @param ports        destination ports or ranges ("443", "8000-8100")
     * @param protocols    IP protocol numbers
     * @param principals   principals (exact)
     * @param classes      predicted classes (exact)
     * @param reason       free text for auditors
     */
    public record Selector(
            String id,
            List<String> sources,
            List<String> destinations,
            List<String> ports,
            List<Integer> protocols,
            List<String> principals,
            List<String> classes,
            String reason) {
    }

    /** Least-privilege entry: what {@code principal} may reach; anything else is BLOCKed. */
    public record Segment(String principal, List<Allow> allow) {
    }

    /** One allowed destination set; empty lists mean any. */
    public record Allow(List<String> destinations, List<String> ports, List<Integer> protocols) {
    }

    /** The class the built-in defaults allow (the paper's name for normal traffic). */
    public static final String BENIGN = "BENIGN";

    /** The built-in defaults: the paper's policy (BENIGN allowed, attacks above 0.85 blocked). */
    public static PolicyRules defaults() {
        return new PolicyRules("builtin-default", 0.85, "enforce", Decision.ALERT, Decision.ALERT, null,
                Map.of(BENIGN, new ClassRule(Decision.ALLOW, null),
                        "DDoS", new ClassRule(Decision.BLOCK, null),
                        "DoS", new ClassRule(Decision.BLOCK, null),
                        "PortScan", new ClassRule(Decision.BLOCK, null),
                        "Other", new ClassRule(Decision.BLOCK, null)),
                null, List.of(), List.of(), List.of());
    }
}
