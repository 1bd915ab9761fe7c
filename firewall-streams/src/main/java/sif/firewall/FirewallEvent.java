package sif.firewall;

/**
 * What flows between the firewall's processors: a validated flow, a scored flow, a decided flow, or a
 * record rejected to the dead-letter topic. {@code split()} routes {@link Rejected} events to the DLQ sink.
 */
public sealed interface FirewallEvent permits FlowContext, Scored, Decided, Rejected {

    /** True for records bound to the dead-letter topic. */
    static boolean isRejected(Object key, FirewallEvent event) {
        return event instanceof Rejected;
    }
}
