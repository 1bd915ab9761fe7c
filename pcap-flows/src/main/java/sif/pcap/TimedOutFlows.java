package sif.pcap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The directions of flows that ended by flow timeout before another packet of their 5-tuple came, so
 * that such a packet, whenever it comes, starts CICFlowMeter's continuation flow in the old direction
 * (CICFlowMeter keeps a timed-out flow until that packet arrives, then replaces it). About 100 bytes
 * per flow instead of a whole flow state; at most {@code capacity}, the oldest forgotten first. Not
 * thread-safe.
 */
final class TimedOutFlows {

    /** An ended flow's direction (source and destination as the flow had them). */
    static final class Ended extends FlowKey {
        /** Engelen's TCP teardown had finished (FINs both ways and the last ACK, or an RST). */
        final boolean readyForNewConnection;
        /** The flow's last packet, µs: Engelen's UDP "dialogue" goes on if the next packet comes within a flow timeout. */
        final long lastSeenMicros;

        Ended(FlowKey flow, boolean readyForNewConnection, long lastSeenMicros) {
            set(flow.srcHi, flow.srcLo, flow.dstHi, flow.dstLo, flow.srcPort, flow.dstPort, flow.protocol);
            this.readyForNewConnection = readyForNewConnection;
            this.lastSeenMicros = lastSeenMicros;
        }
    }

    private final Map<FlowKey, Ended> ended;
    private final FlowKey probe = new FlowKey();

    TimedOutFlows(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.ended = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<FlowKey, Ended> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers the direction of {@code flow} (copied: the flow itself is not kept). */
    void add(FlowKey flow, boolean readyForNewConnection, long lastSeenMicros) {
        Ended e = new Ended(flow, readyForNewConnection, lastSeenMicros);
        ended.put(e, e);
    }

    /** The ended flow of {@code p}'s 5-tuple (either direction), forgotten as it is returned; null if none. */
    Ended remove(PacketInfo p) {
        if (ended.isEmpty()) {
            return null;
        }
        probe.setForward(p);
        Ended e = ended.remove(probe);
        if (e == null) {
            probe.setBackward(p);
            e = ended.remove(probe);
        }
        return e;
    }

    int size() {
        return ended.size();
    }

    void clear() {
        ended.clear();
    }
}
