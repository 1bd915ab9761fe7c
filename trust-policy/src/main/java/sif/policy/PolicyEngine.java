package sif.policy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The policy engine: evaluates flows against the current {@link CompiledPolicy} and lets the
 * rule set be swapped at run time (hot update from the compacted {@code policy} topic or a file
 * reload). Thread-safe: the rule set is an immutable object behind a volatile reference, so a
 * flow is decided entirely by one version and every decision names that version.
 */
public final class PolicyEngine {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyEngine.class);

    private final CompiledPolicy initial;
    private volatile CompiledPolicy current;

    public PolicyEngine(CompiledPolicy initial) {
        this.initial = Objects.requireNonNull(initial, "initial policy");
        this.current = initial;
    }

    /** An engine with the built-in defaults. */
    public static PolicyEngine withDefaults() {
        return new PolicyEngine(CompiledPolicy.defaults());
    }

    public PolicyDecision evaluate(FlowContext flow) {
        return current.evaluate(flow);
    }

    public CompiledPolicy current() {
        return current;
    }

    /** Swaps the rule set; returns the previous one. */
    public CompiledPolicy swap(CompiledPolicy next) {
        CompiledPolicy prev = current;
        current = Objects.requireNonNull(next, "policy");
        LOG.info("policy switched from version '{}' ({}) to '{}' ({})", prev.version(), prev.origin(),
                next.version(), next.origin());
        return prev;
    }

    /**
     * Parses, compiles and swaps in a policy document (YAML or JSON). On a bad document the current
     * rules stay in force and the error is rethrown, naming the origin.
     */
    public CompiledPolicy update(String document, String origin) {
        CompiledPolicy next;
        try {
            next = PolicyLoader.parse(document, origin);
        } catch (IllegalArgumentException e) {
            LOG.error("rejected policy update from {}; keeping version '{}': {}", origin, current.version(),
                    e.getMessage());
            throw e;
        }
        return swap(next);
    }

    /** Reverts to the rule set the engine was built with (e.g. on a policy-topic tombstone). */
    public CompiledPolicy revert() {
        return swap(initial);
    }
}
