package sif.pcap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.FlowRecord;

/**
 * Turns decoded packets into bidirectional flows with CICFlowMeter's semantics (the first packet
 * sets the forward direction; 77 CICIDS2017 features; flow timeout and activity timeout; FIN/RST
 * termination as {@link CicMode#V4} or {@link CicMode#ENGELEN} do it).
 *
 * <p>Streaming and bounded: a flow is emitted as soon as it ends; flows whose flow timeout has passed
 * in packet time are swept out as time advances (CICFlowMeter keeps them until another packet of the
 * same flow or the end of input, with the same features), so memory holds only flows younger than the
 * flow timeout, and at most {@link ExtractorConfig#maxOpenFlows()} of them (the oldest are ended early
 * beyond that). Of a swept flow only its direction is kept (a {@link FlowKey}, at most
 * {@link ExtractorConfig#maxOpenFlows()} of them, the oldest forgotten first), so that the next packet
 * of the same 5-tuple starts CICFlowMeter's continuation flow (the old flow's direction) whether the
 * sweep or that packet noticed the timeout first. Not thread-safe: one extractor per packet stream.
 * No allocation per packet except for new flows.
 */
public final class FlowExtractor {

    private static final Logger LOG = LoggerFactory.getLogger(FlowExtractor.class);

    private final ExtractorConfig config;
    private final boolean engelen;
    private final long flowTimeout;
    private final long activityTimeout;
    private final long snapshotInterval;
    private final Consumer<FlowRecord> sink;
    private final Consumer<FlowRecord> snapshotSink;
    private final HashMap<FlowKey, FlowState> flows = new HashMap<>(1 << 16);
    /** Open flows in start order, and ended ones not yet passed over (compacted, see {@link #open}). */
    private final ArrayDeque<FlowState> byStart = new ArrayDeque<>();
    /** Ended flows tolerated in {@link #byStart} beyond as many as are open. */
    static final int COMPACT_AFTER = 4096;
    /** Directions of flows ended by timeout (or the cap) whose 5-tuple has not been seen since, oldest first. */
    private final TimedOutFlows timedOut;
    private final FlowKey probe = new FlowKey();
    private String sourceName;
    private long lastSweep;
    private long packets;
    private long emitted;
    private long evicted;

    /**
     * @param sink         receives each flow as it ends
     * @param snapshotSink receives interim snapshots of long-lived flows when the config asks for
     *                     them (may be null otherwise)
     */
    public FlowExtractor(ExtractorConfig config, Consumer<FlowRecord> sink, Consumer<FlowRecord> snapshotSink) {
        this.config = config;
        this.engelen = config.mode() == CicMode.ENGELEN;
        this.flowTimeout = config.flowTimeoutMicros();
        this.activityTimeout = config.activityTimeoutMicros();
        this.snapshotInterval = config.snapshotIntervalMicros();
        this.sink = sink;
        this.snapshotSink = snapshotSink;
        this.timedOut = new TimedOutFlows(config.maxOpenFlows());
        if (snapshotInterval > 0 && snapshotSink == null) {
            throw new IllegalArgumentException("a snapshot interval needs a snapshot sink");
        }
    }

    public FlowExtractor(ExtractorConfig config, Consumer<FlowRecord> sink) {
        this(config, sink, null);
    }

    public ExtractorConfig config() {
        return config;
    }

    /** Name recorded as {@link FlowRecord#sourceFile()} of the flows that start from now on. */
    public void setSourceName(String name) {
        this.sourceName = name;
    }

    public long packets() {
        return packets;
    }

    public long emitted() {
        return emitted;
    }

    /** Flows ended early because more than {@link ExtractorConfig#maxOpenFlows()} were open. */
    public long evicted() {
        return evicted;
    }

    /** Flows currently open. */
    /** Flows held in start order: the open ones and ended ones not yet dropped (for tests). */
    int queuedFlows() {
        return byStart.size();
    }

    public int openFlows() {
        return flows.size();
    }

    /** Adds one packet (timestamps should be non-decreasing, as in a capture). */
    public void accept(PacketInfo p) {
        packets++;
        long ts = p.timestampMicros;
        if (ts - lastSweep >= 1_000_000L || ts < lastSweep) {
            sweep(ts);
            lastSweep = ts;
        }
        probe.setForward(p);
        FlowState flow = flows.get(probe);
        if (flow == null) {
            probe.setBackward(p);
            flow = flows.get(probe);
        }
        if (flow == null) {
            TimedOutFlows.Ended ended = timedOut.remove(p);
            open(new FlowState(engelen, activityTimeout, p, ended == null ? newFlowDirection(p)
                    : continuationDirection(ended, ended.readyForNewConnection, ended.lastSeenMicros, p)));
            return;
        }
        if (engelen) {
            acceptEngelen(flow, p, ts);
        } else {
            acceptV4(flow, p, ts);
        }
        if (snapshotInterval > 0 && !flow.finished && ts - flow.lastSnapshot >= snapshotInterval) {
            flow.lastSnapshot = ts;
            snapshotSink.accept(record(flow));
        }
    }

    /**
     * The direction of the flow that {@code p} starts after {@code old} (same 5-tuple) ended by timeout,
     * as CICFlowMeter's generators do it: V4 always the old flow's direction (its first packet counted
     * forward). Engelen's: a new flow ({@link #newFlowDirection}) when a SYN follows a finished TCP teardown,
     * when a UDP packet comes more than a flow timeout after the old flow's last packet (a new "dialogue"),
     * and for other protocols; else the old direction (the same TCP connection or UDP dialogue).
     */
    private FlowKey continuationDirection(FlowKey old, boolean oldReadyForNewConnection, long oldLastSeen,
                                          PacketInfo p) {
        if (!engelen) {
            return old;
        }
        boolean newFlow = oldReadyForNewConnection && p.has(PacketInfo.SYN)
                || p.protocol == 17 && p.timestampMicros - oldLastSeen > flowTimeout
                || p.protocol != 6 && p.protocol != 17;
        return newFlow ? newFlowDirection(p) : old;
    }

    /**
     * The direction of a flow {@code p} starts afresh: its own (null), except that Engelen's version takes a
     * SYN-ACK seen first as the server's answer and makes its receiver, the client, the source.
     */
    private FlowKey newFlowDirection(PacketInfo p) {
        if (engelen && p.has(PacketInfo.SYN) && p.has(PacketInfo.ACK)) {
            FlowKey reversed = new FlowKey();
            reversed.setBackward(p);
            return reversed;
        }
        return null;
    }

    /** Whether a later packet of this flow's 5-tuple may continue it ({@link #continuationDirection}). */
    private boolean mayContinue(FlowState flow) {
        return !engelen || flow.protocol == 6 || flow.protocol == 17;
    }

    private void acceptV4(FlowState flow, PacketInfo p, long ts) {
        if (ts - flow.flowStart > flowTimeout) {
            close(flow, flow.packetCount() > 1);
            open(new FlowState(false, activityTimeout, p, continuationDirection(flow, false, flow.flowLastSeen, p)));
        } else if (p.has(PacketInfo.FIN)) {
            if (flow.isForward(p)) {
                if (++flow.fFin == 1) {
                    if (flow.bFin + flow.bFin == 2) { // sic: CICFlowMeter 4.0 adds the backward count twice
                        flow.addPacket(p);
                        close(flow, true);
                    } else {
                        flow.updateActiveIdleTime(ts);
                        flow.addPacket(p);
                    }
                }
                // a second forward FIN is dropped, as in CICFlowMeter
            } else if (++flow.bFin == 1) {
                flow.addPacket(p); // bFin + bFin == 2: a backward FIN ends the flow
                close(flow, true);
            }
        } else if (p.has(PacketInfo.RST)) {
            flow.addPacket(p);
            close(flow, true);
        } else if (flow.isForward(p) && flow.fFin == 0) {
            flow.updateActiveIdleTime(ts);
            flow.addPacket(p);
        } else if (flow.bFin == 0) {
            flow.updateActiveIdleTime(ts);
            flow.addPacket(p);
        }
        // else: flow already closed, packet dropped
    }

    private void acceptEngelen(FlowState flow, PacketInfo p, long ts) {
        boolean ready = flow.tcpState == 3;
        if (ts - flow.flowStart > flowTimeout || (ready && p.has(PacketInfo.SYN))) {
            close(flow, true);
            open(new FlowState(true, activityTimeout, p, continuationDirection(flow, ready, flow.flowLastSeen, p)));
            return;
        }
        if (flow.isIcmp() && !p.has(PacketInfo.FIN | PacketInfo.RST | PacketInfo.ACK)
                && p.icmpType != flow.icmpType && p.icmpCode != flow.icmpCode) {
            // Engelen's: an ICMP message whose type and code both differ from the flow's first starts a new flow
            close(flow, true);
            open(new FlowState(true, activityTimeout, p, null));
            return;
        }
        flow.updateActiveIdleTime(ts);
        flow.addPacket(p);
        if (p.has(PacketInfo.FIN)) {
            if (flow.tcpState == 0) {
                flow.tcpState = 1;
            } else if (flow.tcpState == 1 && flow.fFin > 0 && flow.bFin > 0) {
                flow.tcpState = 2;
            }
        } else if (p.has(PacketInfo.RST)) {
            // before ACK, as Engelen's generator tests them: an RST+ACK (a refused connection) finishes it too
            flow.tcpState = 3;
        } else if (p.has(PacketInfo.ACK)) {
            if (flow.tcpState == 2) {
                flow.tcpState = 3;
            }
        }
    }

    private void open(FlowState flow) {
        flow.source = sourceName;
        flows.put(flow, flow);
        byStart.addLast(flow);
        if (byStart.size() > 2 * flows.size() + COMPACT_AFTER) {
            // flows ended by FIN/RST stay queued until the head of the queue passes them; behind one long
            // open flow (a UDP flow ends only by timeout) a fast scan's closed flows would pile up
            byStart.removeIf(q -> q.finished);
        }
        if (flows.size() > config.maxOpenFlows()) {
            evictOldest();
        }
    }

    /** Ends the oldest open flow early, as a timeout would, to keep memory bounded. */
    private void evictOldest() {
        while (!byStart.isEmpty()) {
            FlowState head = byStart.pollFirst();
            if (!head.finished) {
                if (evicted++ == 0) {
                    LOG.warn("more than {} open flows: ending the oldest early (raise maxOpenFlows / --max-flows "
                            + "to avoid this)", config.maxOpenFlows());
                }
                endAsTimedOut(head);
                return;
            }
        }
    }

    /**
     * Ends a flow whose flow timeout has passed (or that the cap ends early) before another packet of
     * its 5-tuple arrived: V4 writes it if it has more than one packet, Engelen's version always; its
     * direction is kept for the continuation.
     */
    private void endAsTimedOut(FlowState flow) {
        close(flow, engelen || flow.packetCount() > 1);
        if (mayContinue(flow)) {
            timedOut.add(flow, flow.tcpState == 3, flow.flowLastSeen);
        }
    }

    private void close(FlowState flow, boolean emit) {
        flow.finished = true;
        flows.remove(flow);
        if (emit) {
            emitted++;
            sink.accept(record(flow));
        }
    }

    /** Ends flows whose flow timeout has passed by packet time {@code now}. */
    private void sweep(long now) {
        while (!byStart.isEmpty()) {
            FlowState head = byStart.peekFirst();
            if (head.finished) {
                byStart.pollFirst();
                continue;
            }
            if (now - head.flowStart <= flowTimeout) {
                break;
            }
            byStart.pollFirst();
            endAsTimedOut(head);
        }
    }

    /**
     * Ends every open flow (end of input), in start order: V4 writes those with more than one
     * packet, Engelen's version all of them.
     */
    public void finish() {
        while (!byStart.isEmpty()) {
            FlowState f = byStart.pollFirst();
            if (!f.finished) {
                close(f, engelen || f.packetCount() > 1);
            }
        }
        flows.clear();
        timedOut.clear();
    }

    private FlowRecord record(FlowState f) {
        String src = address(f.srcHi, f.srcLo, f.v6);
        String dst = address(f.dstHi, f.dstLo, f.v6);
        String id = src + "-" + dst + "-" + f.srcPort + "-" + f.dstPort + "-" + f.protocol;
        return new FlowRecord(id, src, f.srcPort, dst, f.dstPort, f.protocol, Math.floorDiv(f.flowStart, 1000L),
                f.features(), null, f.source, -1);
    }

    static String address(long hi, long lo, boolean v6) {
        if (!v6) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }
}
