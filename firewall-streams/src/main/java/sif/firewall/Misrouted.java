package sif.firewall;

/**
 * A valid flow whose record key was not its source's canonical address (no key, another address,
 * another spelling), re-keyed to that address and bound for the repartition topic
 * ({@link FirewallTopology#REKEY_TOPIC}): read back from there it lands in the task that owns its source,
 * with the rest of that source's flows. Carries the original value bytes; where the record was first
 * read travels in headers ({@link ValidateProcessor#FROM_TOPIC} and its siblings).
 *
 * @param rawValue the input record's value, unchanged
 */
public record Misrouted(byte[] rawValue) implements FirewallEvent {

    /** True for flows bound for the repartition topic. */
    static boolean is(Object key, FirewallEvent event) {
        return event instanceof Misrouted;
    }
}
