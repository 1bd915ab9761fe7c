package sif.pcap;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import sif.pcap.PacketDecoder.Skip;

/**
 * What became of the packets read from a capture: decoded, or skipped for a {@link Skip} reason
 * (with the link types met that are not supported). Filled in by {@link PacketDecoder}; not
 * thread-safe.
 */
public final class PacketCounts {

    /** At most this many unsupported link types are remembered for messages. */
    private static final int MAX_LINK_TYPES = 8;

    private final long[] byOutcome = new long[Skip.values().length];
    private final SortedSet<Integer> unsupportedLinkTypes = new TreeSet<>();

    /** Counts one packet read from a capture of link type {@code linkType}. */
    void add(Skip outcome, int linkType) {
        byOutcome[outcome.ordinal()]++;
        if (outcome == Skip.UNSUPPORTED_LINK_TYPE && unsupportedLinkTypes.size() < MAX_LINK_TYPES) {
            unsupportedLinkTypes.add(linkType);
        }
    }

    /** Packets read. */
    public long read() {
        long n = 0;
        for (long c : byOutcome) {
            n += c;
        }
        return n;
    }

    /** Packets decoded (TCP, UDP or ICMP over IP), the ones flows are made of. */
    public long decoded() {
        return byOutcome[Skip.NONE.ordinal()];
    }

    /** Packets skipped, for any reason. */
    public long skipped() {
        return read() - decoded();
    }

    /** Packets skipped for {@code reason} ({@link Skip#NONE}: the decoded ones). */
    public long skipped(Skip reason) {
        return byOutcome[reason.ordinal()];
    }

    /** The unsupported link types met (the first few), in numeric order. */
    public SortedSet<Integer> unsupportedLinkTypes() {
        return java.util.Collections.unmodifiableSortedSet(unsupportedLinkTypes);
    }

    /**
     * The skipped packets by reason, e.g. {@code "6 neither IPv4 nor IPv6, 3 on unsupported link type
     * 108"}; {@code "none"} when nothing was skipped.
     */
    public String describeSkipped() {
        List<String> parts = new ArrayList<>();
        for (Skip s : Skip.values()) {
            long n = byOutcome[s.ordinal()];
            if (s == Skip.NONE || n == 0) {
                continue;
            }
            if (s == Skip.UNSUPPORTED_LINK_TYPE) {
                parts.add(n + " on unsupported link type" + (unsupportedLinkTypes.size() > 1 ? "s " : " ")
                        + String.join("/", unsupportedLinkTypes.stream().map(String::valueOf).toList()));
            } else {
                parts.add(n + " " + s.description());
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** E.g. {@code "1000 packets read, 990 decoded, 10 skipped (6 neither IPv4 nor IPv6, 4 truncated or malformed headers)"}. */
    @Override
    public String toString() {
        long skipped = skipped();
        return read() + " packets read, " + decoded() + " decoded, " + skipped + " skipped"
                + (skipped == 0 ? "" : " (" + describeSkipped() + ")");
    }
}
