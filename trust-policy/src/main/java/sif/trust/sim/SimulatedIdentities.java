package sif.trust.sim;

import sif.trust.IdentityEvent;
import sif.trust.IdentityEventType;
import sif.trust.IpAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * SIMULATED workload identities for replays of CICIDS2017 ({@code ./sif replay --identities}).
 *
 * <p>CICIDS2017 carries no identity data. This generator invents SPIFFE-style identities
 * ({@code spiffe://cicids2017.sim/host/<ip>}) for the internal hosts of the victim network
 * 192.168.10.0/24 and none for the outside attackers (205.174.165.0/24, seen NATed as 172.16.0.1),
 * so the zero-trust step has something to check. Each host gets an ISSUED event at its start time
 * and then a ROTATED event (new serial, fresh verification) every {@code rotateEvery}, like a
 * SPIRE agent rotating short-lived X.509-SVIDs; each credential is valid for {@code ttl}. The
 * schedule is a pure function of its parameters: asking twice for the same window gives the same
 * events, so a looping replay can call it per window.
 *
 * <p>With the defaults (rotate every 4 min, TTL 10 min) a simulated host is never stale by age
 * (4 min &lt; 5 min) but can be by count: a host sending more than 500 flows between two
 * rotations becomes STALE until its next rotation — the freshness rule working as intended.
 */
public final class SimulatedIdentities {

    /** The SPIFFE trust domain of the simulated identities. */
    public static final String TRUST_DOMAIN = "cicids2017.sim";

    /**
     * Internal hosts of the CICIDS2017 victim network (UNB CIC testbed description): DC/DNS
     * 192.168.10.3, web server .50, Ubuntu server .51, Ubuntu clients .19 .17 .16 .12, Windows
     * clients .9 .5 .8 .14 .15, macOS .25.
     */
    public static final List<String> CICIDS2017_VICTIM_HOSTS = List.of("192.168.10.3", "192.168.10.5",
            "192.168.10.8", "192.168.10.9", "192.168.10.12", "192.168.10.14", "192.168.10.15", "192.168.10.16",
            "192.168.10.17", "192.168.10.19", "192.168.10.25", "192.168.10.50", "192.168.10.51");

    public static final Duration DEFAULT_ROTATE_EVERY = Duration.ofMinutes(4);
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private final long startMs;
    private final List<String> hosts;
    private final long rotateEveryMs;
    private final long ttlMs;
    private final long staggerMs;

    /**
     * @param startMs     event time of the first ISSUED events (e.g. the first flow's timestamp)
     * @param hosts       host addresses to give identities to (IPv4/IPv6 literals)
     * @param rotateEvery rotation period
     * @param ttl         credential lifetime (must exceed the rotation period)
     */
    public SimulatedIdentities(long startMs, List<String> hosts, Duration rotateEvery, Duration ttl) {
        if (rotateEvery.isZero() || rotateEvery.isNegative() || ttl.compareTo(rotateEvery) <= 0) {
            throw new IllegalArgumentException("need 0 < rotateEvery < ttl, got " + rotateEvery + ", " + ttl);
        }
        for (String h : hosts) {
            if (!IpAddress.isValid(h)) {
                throw new IllegalArgumentException("simulated host is not an IP literal: '" + h + "'");
            }
        }
        this.startMs = startMs;
        this.hosts = List.copyOf(hosts);
        this.rotateEveryMs = rotateEvery.toMillis();
        this.ttlMs = ttl.toMillis();
        // spread rotations of the hosts over one second each so they do not all land on one instant
        this.staggerMs = Math.min(1_000L, rotateEveryMs / Math.max(1, hosts.size()));
    }

    /** The CICIDS2017 victim hosts with the default schedule. */
    public static SimulatedIdentities cicids2017(long startMs) {
        return new SimulatedIdentities(startMs, CICIDS2017_VICTIM_HOSTS, DEFAULT_ROTATE_EVERY, DEFAULT_TTL);
    }

    /** The principal (SPIFFE ID) simulated for {@code host}. */
    public static String principalOf(String host) {
        return "spiffe://" + TRUST_DOMAIN + "/host/" + host;
    }

    /** True when {@code ip} gets a simulated identity. */
    public boolean covers(String ip) {
        return Set.copyOf(hosts).contains(ip);
    }

    public List<String> hosts() {
        return hosts;
    }

    /**
     * All events with event time in {@code [fromMs, toMs)}, ordered by event time then principal.
     * Events are keyed by {@link IdentityEvent#principal()} on the identity topic.
     */
    public List<IdentityEvent> eventsBetween(long fromMs, long toMs) {
        List<IdentityEvent> out = new ArrayList<>();
        for (int h = 0; h < hosts.size(); h++) {
            long first = startMs + h * staggerMs;
            long k = fromMs <= first ? 0 : (fromMs - first + rotateEveryMs - 1) / rotateEveryMs;
            for (long t = first + k * rotateEveryMs; t < toMs; t += rotateEveryMs, k++) {
                if (t >= fromMs) {
                    out.add(event(hosts.get(h), k, t));
                }
            }
        }
        out.sort(Comparator.comparingLong(IdentityEvent::eventTimeMs).thenComparing(IdentityEvent::principal));
        return out;
    }

    /**
     * An extra rotation of {@code host} at {@code t}, outside the schedule (serial {@code sim-<host>-f<n>},
     * n zero-padded to 19 digits): what a producer sends when a host has sent so many flows since its
     * last verification that the firewall's flow limit would make it STALE before its next scheduled
     * rotation. Between events of one time the resolver keeps the higher serial: these sort after the
     * scheduled serials ({@code sim-<host>-<k>}) and, padded, in their own order (unpadded, {@code f10}
     * lost to {@code f9}).
     */
    public IdentityEvent rotationAt(String host, long n, long t) {
        String serial = "sim-" + host.replace(':', '_') + "-f" + String.format(java.util.Locale.ROOT, "%019d", n);
        return new IdentityEvent(principalOf(host), IdentityEventType.ROTATED, List.of(host), serial, t, t + ttlMs, t,
                "mTLS", t, true, "simulated");
    }

    private IdentityEvent event(String host, long generation, long t) {
        String serial = "sim-" + host.replace(':', '_') + "-" + generation;
        return new IdentityEvent(principalOf(host), generation == 0 ? IdentityEventType.ISSUED : IdentityEventType.ROTATED,
                List.of(host), serial, t, t + ttlMs, t, "mTLS", t, true, "simulated");
    }
}
