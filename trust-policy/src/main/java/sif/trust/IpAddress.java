package sif.trust;

/**
 * Allocation-light parsing of IP address literals (no regex, no DNS).
 *
 * <p>An address is held as two longs: IPv4 addresses map to the IPv4-mapped IPv6 form
 * {@code ::ffff:a.b.c.d}, so one 128-bit representation covers both families and a CIDR test is
 * two masked compares.
 */
public final class IpAddress {

    /** High 64 bits of an IPv4-mapped address ({@code ::ffff:0:0/96} has a zero high half). */
    static final long V4_HIGH = 0L;
    /** Bits 32..63 of an IPv4-mapped address. */
    static final long V4_MAPPED_MID = 0xFFFFL << 32;

    private IpAddress() {
    }

    /**
     * Parses a dotted-quad IPv4 literal.
     *
     * @return the address as an unsigned 32-bit value in a long, or -1 when {@code s} is not a
     *         valid IPv4 literal
     */
    public static long parseV4(CharSequence s) {
        int len = s.length();
        if (len < 7 || len > 15) {
            return -1;
        }
        long value = 0;
        int octet = 0;
        int digits = 0;
        int dots = 0;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && octet == 0) {
                    return -1; // leading zero ("01") is ambiguous (octal in some parsers)
                }
                octet = octet * 10 + (c - '0');
                if (++digits > 3 || octet > 255) {
                    return -1;
                }
            } else if (c == '.') {
                if (digits == 0 || ++dots > 3) {
                    return -1;
                }
                value = (value << 8) | octet;
                octet = 0;
                digits = 0;
            } else {
                return -1;
            }
        }
        if (dots != 3 || digits == 0) {
            return -1;
        }
        return (value << 8) | octet;
    }

    /**
     * Parses an IPv4 or IPv6 literal into {@code out[0]} (high 64 bits) and {@code out[1]} (low
     * 64 bits); IPv4 is mapped to {@code ::ffff:a.b.c.d}.
     *
     * @return true when {@code s} is a valid literal
     */
    public static boolean parse(String s, long[] out) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') < 0) {
            long v4 = parseV4(s);
            if (v4 < 0) {
                return false;
            }
            out[0] = V4_HIGH;
            out[1] = V4_MAPPED_MID | v4;
            return true;
        }
        return parseV6(s, out);
    }

    /**
     * True when the parsed address is IPv4 ({@code ::ffff:0:0/96}): a dotted quad, or the same address
     * written in its IPv4-mapped IPv6 form ({@code ::ffff:192.168.10.7}, as dual-stack sockets report
     * IPv4 peers). Both spellings are one address, as {@code java.net.InetAddress} treats them.
     */
    public static boolean isV4(long hi, long lo) {
        return hi == V4_HIGH && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_MID;
    }

    /** The dotted quad of an address for which {@link #isV4} holds. */
    public static String v4Text(long lo) {
        return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
    }

    /**
     * The one spelling of an address, so that per-source state and keys do not depend on how an
     * exporter wrote it: a dotted quad for IPv4 in either spelling ({@code ::ffff:192.168.10.7} is
     * {@code 192.168.10.7}), else RFC 5952 text (lower case, no leading zeros, the longest run of two
     * or more zero groups — the first of equal runs — as {@code ::}), with a zone ({@code %eth0}) kept
     * as written. A valid dotted quad is returned as it is (no allocation: the hot path).
     *
     * @return the canonical text, or null when {@code s} is not a valid literal
     */
    public static String canonical(String s) {
        if (s == null) {
            return null;
        }
        boolean v6 = s.indexOf(':') >= 0;
        if (!v6) {
            return parseV4(s) >= 0 ? s : null; // parseV4 refuses leading zeros: a valid quad is canonical
        }
        long[] a = new long[2];
        if (!parseV6(s, a)) {
            return null;
        }
        return canonical(s, a[0], a[1]);
    }

    /** {@link #canonical(String)} of a literal already parsed into {@code hi}, {@code lo}. */
    static String canonical(String literal, long hi, long lo) {
        if (isV4(hi, lo)) {
            return v4Text(lo);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            b.append(literal, zone, literal.length());
        }
        return b.toString();
    }

    /** True when {@code s} parses as an IPv4 or IPv6 literal. */
    public static boolean isValid(String s) {
        return parse(s, new long[2]);
    }

    private static boolean parseV6(String s, long[] out) {
        String addr = s;
        int zone = addr.indexOf('%');
        if (zone >= 0) {
            addr = addr.substring(0, zone);
        }
        int[] groups = new int[8];
        int n = 0;
        int doubleColonAt = -1;
        int i = 0;
        int len = addr.length();
        if (addr.startsWith("::")) {
            doubleColonAt = 0;
            i = 2;
        } else if (addr.startsWith(":")) {
            return false;
        }
        while (i < len) {
            int start = i;
            int value = 0;
            while (i < len && addr.charAt(i) != ':') {
                char c = addr.charAt(i);
                int d = Character.digit(c, 16);
                if (c == '.') {
                    // embedded IPv4 tail
                    long v4 = parseV4(addr.substring(start));
                    if (v4 < 0 || n > 6) {
                        return false;
                    }
                    groups[n++] = (int) (v4 >>> 16);
                    groups[n++] = (int) (v4 & 0xFFFF);
                    i = len;
                    value = -1;
                    break;
                }
                if (d < 0 || i - start >= 4) {
                    return false;
                }
                value = (value << 4) | d;
                i++;
            }
            if (value >= 0) {
                if (i == start || n >= 8) {
                    return false;
                }
                groups[n++] = value;
            }
            if (i < len) { // at ':'
                i++;
                if (i < len && addr.charAt(i) == ':') {
                    if (doubleColonAt >= 0) {
                        return false;
                    }
                    doubleColonAt = n;
                    i++;
                } else if (i == len) {
                    return false; // trailing single colon
                }
            }
        }
        int[] full = new int[8];
        if (doubleColonAt >= 0) {
            int tail = n - doubleColonAt;
            if (n >= 8) {
                return false;
            }
            System.arraycopy(groups, 0, full, 0, doubleColonAt);
            System.arraycopy(groups, doubleColonAt, full, 8 - tail, tail);
        } else {
            if (n != 8) {
                return false;
            }
            full = groups;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        out[0] = hi;
        out[1] = lo;
        return true;
    }
}
