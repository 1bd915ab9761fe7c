package sif.producer.identity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import sif.flows.FlowRecord;
import sif.trust.Cidr;
import sif.trust.IdentityEvent;
import sif.trust.IpAddress;
import sif.trust.sim.SimulatedIdentities;

/**
 * Which SIMULATED identity events must be produced before a flow: pure logic, no Kafka. The events
 * themselves come from trust-policy's generator {@link SimulatedIdentities} (SPIFFE IDs {@code
 * spiffe://cicids2017.sim/host/<ip>}, ISSUED then ROTATED, serials {@code sim-<ip>-<k>}).
 *
 * <p>A flow's source inside the internal network (default the CICIDS2017 victim network
 * 192.168.10.0/24; its network and broadcast addresses excluded) gets its identity ISSUED at the
 * event time of its first flow minus {@link #lead()}, then re-verified (ROTATED) every {@link
 * #rotateEvery()} of event time, for as long as the replay runs. Sources outside the network (the
 * attackers) get nothing. Before each flow, every event due up to the highest event time seen so
 * far (the flow's included) is returned, ordered by event time then principal, so each host's
 * identity always precedes its flows and stays fresh under the 5-minute rule (4 min default). A host
 * that sends more than {@link #rotateEveryFlows()} flows (default {@value #DEFAULT_ROTATE_EVERY_FLOWS})
 * since its last event is also re-verified (an extra ROTATED at its flow's time), so it stays under
 * the firewall's 500-flow rule at any rate; the margin to 500 leaves the firewall's identity store
 * room to apply the event before the host's later flows (it reads the identity topic on its own
 * thread). Before, busy hosts went STALE: at 500 flows/s of the synthetic scenario (40 internal hosts)
 * every host was blocked after its 500th flow until its next scheduled rotation.
 *
 * <p>Flows without an event time (-1) trigger nothing. Not thread-safe (one per replay).
 */
public final class IdentitySchedule {

    /** Default internal network: the CICIDS2017 victim network. */
    public static final String DEFAULT_NETWORK = "192.168.10.0/24";
    /** Default rotation period: under the 5-minute freshness rule. */
    public static final Duration DEFAULT_ROTATE_EVERY = SimulatedIdentities.DEFAULT_ROTATE_EVERY;
    /** Default flow count after which a host is re-verified: under the firewall's 500-flow rule. */
    public static final int DEFAULT_ROTATE_EVERY_FLOWS = 400;
    /** Default lead of the first ISSUED event before the host's first flow. */
    public static final Duration DEFAULT_LEAD = Duration.ofSeconds(1);

    private record Due(long timeMs, String host) {}

    private final Cidr network;
    private final long networkAddress;
    private final long broadcastAddress;
    private final Duration rotateEvery;
    private final Duration ttl;
    private final Duration lead;
    private final int rotateEveryFlows;
    private final Map<String, SimulatedIdentities> hosts = new HashMap<>();
    /** Per host: flows since its last event, extra rotations so far, and its newest event's time. */
    private static final class HostCount {
        long sinceEvent;
        long extraRotations;
        long newestEventMs = Long.MIN_VALUE;
    }

    private final Map<String, HostCount> flowCounts = new HashMap<>();
    private final Map<String, Long> emittedUntil = new HashMap<>();
    private final PriorityQueue<Due> due = new PriorityQueue<>(
            Comparator.comparingLong(Due::timeMs).thenComparing(Due::host));
    private long watermark = Long.MIN_VALUE;

    /**
     * @param network     hosts that get identities (CIDR)
     * @param rotateEvery re-verification period (event time), positive
     * @param lead        how long before a host's first flow its identity is issued, &gt;= 0
     */
    public IdentitySchedule(String network, Duration rotateEvery, Duration lead) {
        this(network, rotateEvery, lead, DEFAULT_ROTATE_EVERY_FLOWS);
    }

    /**
     * @param network          hosts that get identities (CIDR)
     * @param rotateEvery      re-verification period (event time), positive
     * @param lead             how long before a host's first flow its identity is issued, &gt;= 0
     * @param rotateEveryFlows a host is also re-verified before its flow number {@code rotateEveryFlows + 1}
     *                         since its last event, positive
     */
    public IdentitySchedule(String network, Duration rotateEvery, Duration lead, int rotateEveryFlows) {
        this.network = Cidr.parse(Objects.requireNonNull(network, "network"));
        if (rotateEveryFlows <= 0) {
            throw new IllegalArgumentException("identity rotation flow count must be positive, got " + rotateEveryFlows);
        }
        this.rotateEveryFlows = rotateEveryFlows;
        if (rotateEvery == null || rotateEvery.toMillis() <= 0) {
            throw new IllegalArgumentException("identity rotation period must be positive, got " + rotateEvery);
        }
        if (lead == null || lead.isNegative()) {
            throw new IllegalArgumentException("identity lead must be >= 0, got " + lead);
        }
        this.rotateEvery = rotateEvery;
        this.lead = lead;
        // credentials outlive two rotations, so a late rotation never leaves a host without one
        this.ttl = SimulatedIdentities.DEFAULT_TTL.compareTo(rotateEvery.multipliedBy(2)) > 0
                ? SimulatedIdentities.DEFAULT_TTL : rotateEvery.multipliedBy(2).plusMinutes(1);
        String text = this.network.toString();
        int slash = text.indexOf('/');
        int prefix = Integer.parseInt(text.substring(slash + 1));
        if (text.indexOf(':') < 0 && prefix <= 30) {
            long base = IpAddress.parseV4(text.substring(0, slash));
            long mask = (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
            this.networkAddress = base & mask;
            this.broadcastAddress = (base & mask) | (~mask & 0xFFFF_FFFFL);
        } else {
            this.networkAddress = -1;
            this.broadcastAddress = -1;
        }
    }

    /** The CICIDS2017 victim network, 4-minute rotation, 1 s lead. */
    public static IdentitySchedule cicids2017() {
        return new IdentitySchedule(DEFAULT_NETWORK, DEFAULT_ROTATE_EVERY, DEFAULT_LEAD);
    }

    /** True when {@code ip} gets a simulated identity: inside the network, not its network/broadcast address. */
    public boolean covers(String ip) {
        if (ip == null || !network.contains(ip)) {
            return false;
        }
        if (networkAddress >= 0 && ip.indexOf(':') < 0) {
            long a = IpAddress.parseV4(ip);
            return a != networkAddress && a != broadcastAddress;
        }
        return true;
    }

    /** The identity events to produce before {@code flow}, in event-time (then principal) order. */
    public List<IdentityEvent> before(FlowRecord flow) {
        long t = flow.timestampMs();
        if (t < 0) {
            return List.of();
        }
        String src = flow.srcIp();
        if (covers(src) && !hosts.containsKey(src)) {
            long start = t - lead.toMillis();
            hosts.put(src, new SimulatedIdentities(start, List.of(src), rotateEvery, ttl));
            emittedUntil.put(src, start);
            due.add(new Due(start, src));
        }
        watermark = Math.max(watermark, t);
        List<IdentityEvent> out = new ArrayList<>();
        while (!due.isEmpty() && due.peek().timeMs() <= watermark) {
            String host = due.poll().host();
            List<IdentityEvent> events = hosts.get(host).eventsBetween(emittedUntil.get(host), watermark + 1);
            emittedUntil.put(host, watermark + 1);
            long next = events.isEmpty() ? watermark + 1
                    : events.get(events.size() - 1).eventTimeMs() + rotateEvery.toMillis();
            due.add(new Due(next, host));
            if (!events.isEmpty()) {
                HostCount count = flowCounts.computeIfAbsent(host, h -> new HostCount());
                count.sinceEvent = 0;
                count.newestEventMs = Math.max(count.newestEventMs, events.get(events.size() - 1).eventTimeMs());
            }
            out.addAll(events);
        }
        if (hosts.containsKey(src)) {
            HostCount count = flowCounts.computeIfAbsent(src, h -> new HostCount());
            if (++count.sinceEvent > rotateEveryFlows) {
                // never before the host's newest event (a late flow's own time would make a rotation the
                // firewall takes for a late, superseded event); at an equal time the higher serial wins, and
                // the extra rotations' serials sort after the scheduled ones' and in their own order
                long at = Math.max(t, count.newestEventMs);
                out.add(hosts.get(src).rotationAt(src, ++count.extraRotations, at));
                count.newestEventMs = at;
                count.sinceEvent = 1;
            }
        }
        out.sort(Comparator.comparingLong(IdentityEvent::eventTimeMs).thenComparing(IdentityEvent::principal));
        return out;
    }

    /** Hosts given an identity so far. */
    public int hostCount() {
        return hosts.size();
    }

    public String network() {
        return network.toString();
    }

    public Duration rotateEvery() {
        return rotateEvery;
    }

    public Duration lead() {
        return lead;
    }

    /** A host is re-verified after this many flows since its last event. */
    public int rotateEveryFlows() {
        return rotateEveryFlows;
    }

    /** Lifetime of each simulated credential. */
    public Duration ttl() {
        return ttl;
    }
}
