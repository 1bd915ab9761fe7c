package sif.firewall;

/**
 * What flows between the firewall's processors: a validated flow, a flow bound for the repartition topic
 * (keyed otherwise than by its source), a scored flow, a decided flow, or a record rejected to the
 * dead-letter topic. {@code split()} routes {@link Rejected} events to the DLQ sink.
 */
public sealed interface FirewallEvent permits FlowContext, Scored, Decided, Rejected, Misrouted {

    /** True for records bound to the dead-letter topic. */
    static boolean isRejected(Object key, FirewallEvent event) {
        return event instanceof Rejected;
    }
}
