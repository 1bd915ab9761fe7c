package sif.trust;

import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 192.168.10.0/24}, {@code 10.0.0.5},
 * {@code 2001:db8::/32}); a bare address is a /32 (IPv4) or /128 (IPv6). The mask is precomputed
 * so {@link #contains} is two masked compares. IPv4 prefixes are stored in their IPv4-mapped IPv6
 * form, so an IPv4 CIDR never matches a native IPv6 address; and an IPv6 prefix that is wider than
 * the IPv4-mapped range but covers it ({@code ::/0}, {@code ::/64}: "any IPv6") never matches an IPv4
 * address. An address or prefix written in IPv4-mapped form ({@code ::ffff:10.0.0.0/104}) is IPv4:
 * it is the same address space as {@code 10.0.0.0/8}, as {@code java.net.InetAddress} has it.
 */
public final class Cidr {

    private final String text;
    private final long netHi;
    private final long netLo;
    private final long maskHi;
    private final long maskLo;
    private final int prefixLength128;
    /** An IPv6 prefix wider than the IPv4-mapped range that covers it: IPv4 addresses are outside it. */
    private final boolean excludesV4;

    private Cidr(String text, long netHi, long netLo, long maskHi, long maskLo, int prefixLength128,
                 boolean excludesV4) {
        this.text = text;
        this.netHi = netHi;
        this.netLo = netLo;
        this.maskHi = maskHi;
        this.maskLo = maskLo;
        this.prefixLength128 = prefixLength128;
        this.excludesV4 = excludesV4;
    }

    /**
     * Parses CIDR notation.
     *
     * @throws IllegalArgumentException when {@code spec} is not an address or address/prefix
     */
    public static Cidr parse(String spec) {
        return parse(spec, false);
    }

    /**
     * Parses a network, as policy rules name them: as {@link #parse}, but an address with bits set past
     * the prefix is refused, since the prefix silently drops them. The trap it catches: an IPv4 network
     * in IPv4-mapped form with an IPv4 prefix length ({@code ::ffff:198.51.100.0/24} is the IPv6 network
     * {@code ::/24}, which holds no IPv4 address; the IPv4 /24 is {@code ::ffff:198.51.100.0/120}).
     *
     * @throws IllegalArgumentException naming the network the spec would have meant
     */
    public static Cidr parseNetwork(String spec) {
        return parse(spec, true);
    }

    private static Cidr parse(String spec, boolean network) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        String s = spec.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        long[] a = new long[2];
        if (!IpAddress.parse(addr, a)) {
            throw new IllegalArgumentException("not an IP address or CIDR: '" + spec + "'");
        }
        boolean v4 = addr.indexOf(':') < 0;
        int max = v4 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in CIDR '" + spec + "'", e);
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix length out of range 0.." + max + " in CIDR '" + spec + "'");
            }
        }
        int p128 = v4 ? 96 + prefix : prefix;
        long mHi = p128 >= 64 ? -1L : (p128 == 0 ? 0L : -1L << (64 - p128));
        long mLo = p128 <= 64 ? 0L : (p128 == 128 ? -1L : -1L << (128 - p128));
        String canonical = (slash < 0) ? addr + "/" + max : s;
        long netHi = a[0] & mHi;
        long netLo = a[1] & mLo;
        if (network && (netHi != a[0] || netLo != a[1])) {
            boolean mapped = !v4 && addr.indexOf('.') >= 0;
            throw new IllegalArgumentException("CIDR '" + spec + "' has address bits set past its prefix, which "
                    + "would be ignored" + (mapped ? "; an IPv4 network in IPv4-mapped form takes 96 + its IPv4 "
                    + "prefix length (e.g. /120 for a /24)" : "; write the network address"));
        }
        boolean coversV4 = (IpAddress.V4_HIGH & mHi) == netHi && (IpAddress.V4_MAPPED_MID & mLo) == netLo;
        return new Cidr(canonical, netHi, netLo, mHi, mLo, p128, !v4 && p128 < 96 && coversV4);
    }

    /** True when the parsed address ({@link IpAddress#parse} layout) lies in this network. */
    public boolean contains(long hi, long lo) {
        return (hi & maskHi) == netHi && (lo & maskLo) == netLo && !(excludesV4 && IpAddress.isV4(hi, lo));
    }

    /** True when {@code ip} is a valid literal inside this network. */
    public boolean contains(String ip) {
        long[] a = new long[2];
        return IpAddress.parse(ip, a) && contains(a[0], a[1]);
    }

    /** Prefix length in the 128-bit space (IPv4 /24 is 120); larger is more specific. */
    public int specificity() {
        return prefixLength128;
    }

    /** True when this is a single host (/32 or /128). */
    public boolean isHost() {
        return prefixLength128 == 128;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.netHi == netHi && c.netLo == netLo && c.prefixLength128 == prefixLength128
                && c.excludesV4 == excludesV4;
    }

    @Override
    public int hashCode() {
        return Objects.hash(netHi, netLo, prefixLength128);
    }
}
