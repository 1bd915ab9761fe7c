package sif.policy;

import sif.trust.CidrSet;
import sif.trust.IdentityEvent;
import sif.trust.IdentityStatus;
import sif.trust.IpAddress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated, precomputed rule set (CIDR masks, port bitsets, hash sets); immutable and
 * thread-safe. {@link #evaluate} is the whole decision, in this precedence:
 * <ol>
 *   <li>deny-list match → BLOCK</li>
 *   <li>segmentation violation (principal reaches a destination outside its allowed set) → BLOCK</li>
 *   <li>model: the class action when confidence &gt; threshold, else {@code belowThreshold}; for a flow
 *       with an input outside the model's training range, as {@code inputOutOfRange} makes it (default
 *       {@code no-allow}: an ALLOW becomes ALERT; see {@link OutOfRange})</li>
 *   <li>suppression match on a model ALERT/BLOCK → ALLOW, marked suppressed</li>
 *   <li>zero-trust floor: an untrusted flow (status not TRUSTED/NOT_EVALUATED, source not exempt)
 *       is never ALLOWed: enforce mode raises it to BLOCK, rollout mode to at least ALERT</li>
 * </ol>
 */
public final class CompiledPolicy {

    /**
     * Longest version, rule id or class name: they are echoed into verdicts and alerts. Principals may
     * be as long as an identity event's ({@link IdentityEvent#MAX_TEXT_CHARS}; a SPIFFE ID can be long).
     */
    public static final int MAX_TEXT_CHARS = 256;

    enum Mode { ENFORCE, ROLLOUT }

    /**
     * The rule that follows the model's for a flow with an input outside the model's training range:
     * {@code model-out-of-range:<class> [<inputs>]}, with {@code =>DECISION} when {@code inputOutOfRange}
     * changed the model's action.
     */
    public static final String OUT_OF_RANGE_RULE = "model-out-of-range:";

    private final String version;
    private final String origin;
    private final double threshold;
    private final Mode mode;
    private final Decision defaultAction;
    private final Decision belowThreshold;
    private final OutOfRange outOfRange;
    private final Map<String, ClassAction> classes;
    private final CidrSet exempt;
    private final Matcher[] deny;
    private final Matcher[] suppress;
    private final Map<String, AllowEntry[]> segmentation;
    private final PolicyRules rules;

    private record ClassAction(Decision action, double threshold) {
    }

    private record AllowEntry(CidrSet destinations, PortSet ports, Set<Integer> protocols) {
        boolean matches(long hi, long lo, boolean parsed, int port, int protocol) {
            return (destinations.isEmpty() || (parsed && destinations.contains(hi, lo)))
                    && ports.contains(port)
                    && (protocols.isEmpty() || protocols.contains(protocol));
        }
    }

    private record Matcher(String reason, CidrSet sources, CidrSet destinations, PortSet ports,
                           Set<Integer> protocols, Set<String> principals, Set<String> classes) {
        boolean matches(FlowContext f, long[] src, boolean srcOk, long[] dst, boolean dstOk) {
            return (sources.isEmpty() || (srcOk && sources.contains(src[0], src[1])))
                    && (destinations.isEmpty() || (dstOk && destinations.contains(dst[0], dst[1])))
                    && ports.contains(f.dstPort())
                    && (protocols.isEmpty() || protocols.contains(f.protocol()))
                    && (principals.isEmpty() || (f.principal() != null && principals.contains(f.principal())))
                    && (classes.isEmpty() || (f.predictedClass() != null && classes.contains(f.predictedClass())));
        }
    }

    private CompiledPolicy(PolicyRules rules, String origin, String version, double threshold, Mode mode,
                           Decision defaultAction, Decision belowThreshold, OutOfRange outOfRange,
                           Map<String, ClassAction> classes, CidrSet exempt, Matcher[] deny, Matcher[] suppress,
                           Map<String, AllowEntry[]> segmentation) {
        this.rules = rules;
        this.origin = origin;
        this.version = version;
        this.threshold = threshold;
        this.mode = mode;
        this.defaultAction = defaultAction;
        this.belowThreshold = belowThreshold;
        this.outOfRange = outOfRange;
        this.classes = classes;
        this.exempt = exempt;
        this.deny = deny;
        this.suppress = suppress;
        this.segmentation = segmentation;
    }

    /** The built-in default policy. */
    public static CompiledPolicy defaults() {
        return compile(PolicyRules.defaults(), "built-in defaults");
    }

    /**
     * Validates and precomputes {@code rules}.
     *
     * @throws IllegalArgumentException naming {@code origin} and the offending entry
     */
    public static CompiledPolicy compile(PolicyRules rules, String origin) {
        String where = "policy " + origin;
        double threshold = rules.confidenceThreshold() == null ? 0.85 : rules.confidenceThreshold();
        checkThreshold(threshold, where + " confidenceThreshold");
        Mode mode;
        String m = rules.mode() == null ? "enforce" : rules.mode().trim().toLowerCase(Locale.ROOT);
        switch (m) {
            case "enforce" -> mode = Mode.ENFORCE;
            case "rollout" -> mode = Mode.ROLLOUT;
            default -> throw new IllegalArgumentException(where + ": mode must be 'enforce' or 'rollout', got '"
                    + rules.mode() + "'");
        }
        Map<String, ClassAction> classes = new HashMap<>();
        // a document without "classes" keeps the built-in per-class actions (BENIGN ALLOW, attacks BLOCK)
        Map<String, PolicyRules.ClassRule> classRules = rules.classes() != null ? rules.classes()
                : PolicyRules.defaults().classes();
        {
            for (Map.Entry<String, PolicyRules.ClassRule> e : classRules.entrySet()) {
                text(e.getKey(), MAX_TEXT_CHARS, where + ": class name");
                PolicyRules.ClassRule cr = e.getValue();
                if (cr == null || cr.action() == null) {
                    throw new IllegalArgumentException(where + ": class '" + e.getKey() + "' needs an action");
                }
                double t = cr.confidenceThreshold() == null ? threshold : cr.confidenceThreshold();
                checkThreshold(t, where + " class " + e.getKey());
                classes.put(e.getKey(), new ClassAction(cr.action(), t));
            }
        }
        CidrSet exempt = rules.zeroTrust() == null ? CidrSet.empty()
                : cidrs(rules.zeroTrust().exemptSources(), where + " zeroTrust.exemptSources");
        Matcher[] deny = matchers(rules.deny(), "deny", where);
        Matcher[] suppress = matchers(rules.suppress(), "suppress", where);
        Map<String, AllowEntry[]> seg = new HashMap<>();
        if (rules.segmentation() != null) {
            for (PolicyRules.Segment s : rules.segmentation()) {
                if (s == null || s.principal() == null || s.principal().isBlank()) {
                    throw new IllegalArgumentException(where + ": segmentation entry without principal");
                }
                text(s.principal(), IdentityEvent.MAX_TEXT_CHARS, where + ": segmentation principal");
                if (seg.containsKey(s.principal())) {
                    throw new IllegalArgumentException(where + ": segmentation for '" + s.principal()
                            + "' listed twice");
                }
                List<AllowEntry> entries = new ArrayList<>();
                if (s.allow() != null) {
                    for (PolicyRules.Allow a : s.allow()) {
                        String w = where + " segmentation " + s.principal();
                        if (a == null) {
                            throw new IllegalArgumentException(w + ": empty allow entry");
                        }
                        entries.add(new AllowEntry(cidrs(a.destinations(), w), PortSet.parse(a.ports(), w),
                                protocols(a.protocols(), w)));
                    }
                }
                seg.put(s.principal(), entries.toArray(new AllowEntry[0]));
            }
        }
        String version = rules.version() == null ? "unversioned"
                : text(rules.version(), MAX_TEXT_CHARS, where + ": version");
        return new CompiledPolicy(rules, origin, version, threshold, mode,
                rules.defaultAction() == null ? Decision.ALERT : rules.defaultAction(),
                rules.belowThreshold() == null ? Decision.ALERT : rules.belowThreshold(),
                OutOfRange.parse(rules.inputOutOfRange(), where + " inputOutOfRange"),
                Map.copyOf(classes), exempt, deny, suppress, Map.copyOf(seg));
    }

    private static void checkThreshold(double t, String where) {
        if (!(t >= 0.0 && t <= 1.0)) {
            throw new IllegalArgumentException(where + " must be in [0, 1], got " + t);
        }
    }

    /** A name echoed into verdicts and alerts: present, and at most {@code max} characters. */
    private static String text(String s, int max, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is empty");
        }
        if (s.length() > max) {
            throw new IllegalArgumentException(what + " has " + s.length() + " characters, more than "
                    + max + ": '" + s.substring(0, 40) + "...'");
        }
        return s;
    }

    /** Exact names (principals, classes): none empty or longer than {@code max}. */
    private static Set<String> texts(List<String> specs, int max, String what) {
        if (specs == null) {
            return Set.of();
        }
        List<String> out = new ArrayList<>(specs.size());
        for (String s : specs) {
            out.add(text(s, max, what + " entry"));
        }
        return Set.copyOf(out);
    }

    /** IP protocol numbers, 0..255. */
    private static Set<Integer> protocols(List<Integer> specs, String where) {
        if (specs == null) {
            return Set.of();
        }
        for (Integer p : specs) {
            if (p == null || p < 0 || p > 255) {
                throw new IllegalArgumentException(where + ": protocol must be a number in 0..255, got " + p);
            }
        }
        return Set.copyOf(specs);
    }

    private static CidrSet cidrs(List<String> specs, String where) {
        try {
            return CidrSet.parse(specs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static Matcher[] matchers(List<PolicyRules.Selector> selectors, String kind, String where) {
        if (selectors == null) {
            return new Matcher[0];
        }
        Set<String> ids = new HashSet<>();
        List<Matcher> out = new ArrayList<>();
        for (PolicyRules.Selector s : selectors) {
            if (s == null || s.id() == null || s.id().isBlank()) {
                throw new IllegalArgumentException(where + ": every " + kind + " entry needs an id");
            }
            text(s.id(), MAX_TEXT_CHARS, where + ": " + kind + " id"); // before the id is quoted in any message
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException(where + ": duplicate " + kind + " id '" + s.id() + "'");
            }
            String w = where + " " + kind + " '" + s.id() + "'";
            Matcher m = new Matcher(kind + ":" + s.id(), cidrs(s.sources(), w), cidrs(s.destinations(), w),
                    PortSet.parse(s.ports(), w), protocols(s.protocols(), w), texts(s.principals(), IdentityEvent.MAX_TEXT_CHARS,
                    w + " principals"), texts(s.classes(), MAX_TEXT_CHARS, w + " classes"));
            if (m.sources().isEmpty() && m.destinations().isEmpty() && m.ports().isAny() && m.protocols().isEmpty()
                    && m.principals().isEmpty() && m.classes().isEmpty()) {
                throw new IllegalArgumentException(w + " has no criteria and would match every flow");
            }
            out.add(m);
        }
        return out.toArray(new Matcher[0]);
    }

    /** Decides one flow. Pure; safe to call from many threads. */
    public PolicyDecision evaluate(FlowContext f) {
        long[] src = new long[2];
        long[] dst = new long[2];
        boolean srcOk = IpAddress.parse(f.srcIp(), src);
        boolean dstOk = IpAddress.parse(f.dstIp(), dst);
        List<String> reasons = new ArrayList<>(3);
        for (Matcher m : deny) {
            if (m.matches(f, src, srcOk, dst, dstOk)) {
                String r = m.reason() + "=>BLOCK";
                reasons.add(r);
                return new PolicyDecision(Decision.BLOCK, false, reasons, r, version);
            }
        }
        if (f.principal() != null) {
            AllowEntry[] allowed = segmentation.get(f.principal());
            if (allowed != null) {
                boolean ok = false;
                for (AllowEntry a : allowed) {
                    if (a.matches(dst[0], dst[1], dstOk, f.dstPort(), f.protocol())) {
                        ok = true;
                        break;
                    }
                }
                if (!ok) {
                    String r = "segmentation:" + f.principal() + " dst=" + f.dstIp() + ":" + f.dstPort() + "=>BLOCK";
                    reasons.add(r);
                    return new PolicyDecision(Decision.BLOCK, false, reasons, r, version);
                }
            }
        }
        ClassAction ca = f.predictedClass() == null ? null : classes.get(f.predictedClass());
        Decision action = ca == null ? defaultAction : ca.action();
        double t = ca == null ? threshold : ca.threshold();
        String modelReason;
        // the model's probabilities are floats: compare at float precision (as the firewall's threshold
        // policy does), so that a probability reported as 0.85f is "at" a 0.85 threshold, not above it
        if (action != Decision.ALLOW && !((float) f.confidence() > (float) t)) {
            action = belowThreshold;
            modelReason = "model:" + f.predictedClass() + " p=" + fmt(f.confidence()) + "<=" + fmt(t) + "=>" + action;
        } else if (action != Decision.ALLOW) {
            modelReason = "model:" + f.predictedClass() + " p=" + fmt(f.confidence()) + ">" + fmt(t) + "=>" + action;
        } else {
            modelReason = "model:" + f.predictedClass() + " p=" + fmt(f.confidence()) + "=>" + action;
        }
        reasons.add(modelReason);
        String deciding = modelReason;
        if (!f.outOfRange().isEmpty()) {
            // an input unlike every training flow's: the model's output is an extrapolation. The range rule
            // follows the model's; it decides (=>) only where the setting changed the model's action
            Decision ranged = outOfRange.apply(action);
            String range = OUT_OF_RANGE_RULE + f.predictedClass() + " " + OutOfRange.names(f.outOfRange());
            if (ranged != action) {
                action = ranged;
                range += "=>" + action;
                deciding = range;
            }
            reasons.add(range);
        }
        boolean suppressed = false;
        if (action != Decision.ALLOW) {
            for (Matcher m : suppress) {
                if (m.matches(f, src, srcOk, dst, dstOk)) {
                    action = Decision.ALLOW;
                    suppressed = true;
                    deciding = m.reason() + "=>ALLOW";
                    reasons.add(deciding);
                    break;
                }
            }
        }
        IdentityStatus status = f.identityStatus() == null ? IdentityStatus.NOT_EVALUATED : f.identityStatus();
        if (!status.permitsAllow() && !(srcOk && exempt.contains(src[0], src[1]))) {
            Decision floor = mode == Mode.ENFORCE ? Decision.BLOCK : Decision.ALERT;
            if (action == Decision.ALLOW || (action == Decision.ALERT && floor == Decision.BLOCK)) {
                action = floor;
                suppressed = false;
                deciding = "zero-trust:" + status + "=>" + floor;
                reasons.add(deciding);
            } else {
                reasons.add("zero-trust:" + status);
            }
        }
        return new PolicyDecision(action, suppressed, reasons, deciding, version);
    }

    private static String fmt(double d) {
        // 3 decimals without String.format (slow) or locale issues
        long scaled = Math.round(d * 1000.0);
        long whole = scaled / 1000;
        long frac = Math.abs(scaled % 1000);
        StringBuilder sb = new StringBuilder(8);
        if (scaled < 0 && whole == 0) {
            sb.append('-');
        }
        sb.append(whole).append('.');
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        return sb.append(frac).toString();
    }

    public String version() {
        return version;
    }

    /** Where the rules came from (file, topic offset). */
    public String origin() {
        return origin;
    }

    public double confidenceThreshold() {
        return threshold;
    }

    /** What becomes of the model's action for a flow with an input outside its training range. */
    public OutOfRange inputOutOfRange() {
        return outOfRange;
    }

    public boolean rolloutMode() {
        return mode == Mode.ROLLOUT;
    }

    /** The source document. */
    public PolicyRules rules() {
        return rules;
    }
}
