package sif.trust;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class IpAddressTest {

    @Test
    void aValidDottedQuadIsItsOwnCanonicalSpelling() {
        String s = new String("192.168.10.50"); // not interned: the very instance comes back
        assertSame(s, IpAddress.canonical(s));
        assertEquals("0.0.0.0", IpAddress.canonical("0.0.0.0"));
    }

    @Test
    void theIpv4MappedSpellingIsTheDottedQuad() {
        assertEquals("192.168.10.7", IpAddress.canonical("::ffff:192.168.10.7"));
        assertEquals("192.168.10.7", IpAddress.canonical("::FFFF:c0a8:0a07"));
        assertEquals("192.168.10.7", IpAddress.canonical("0:0:0:0:0:ffff:c0a8:a07"));
    }

    /** The examples of RFC 5952, section 4, and its recommendations one by one. */
    @Test
    void ipv6IsWrittenAsRfc5952Says() {
        // 4.1 leading zeros suppressed; 4.3 lower case
        assertEquals("2001:db8::1", IpAddress.canonical("2001:0DB8:0000:0000:0000:0000:0000:0001"));
        assertEquals("2001:db8::1", IpAddress.canonical("2001:db8:0::1"));
        assertEquals("2001:db8::1", IpAddress.canonical("2001:0db8:0::1"));
        // 4.2.1 shortest: all zero groups of the run compressed
        assertEquals("2001:db8::2:1", IpAddress.canonical("2001:db8:0:0:0:0:2:1"));
        // 4.2.2 a single zero group is not compressed
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddress.canonical("2001:db8::1:1:1:1:1"));
        // 4.2.3 the longest run; of equal runs, the first
        assertEquals("2001:0:0:1::1", IpAddress.canonical("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", IpAddress.canonical("2001:db8:0:0:1:0:0:1"));
        // the ends
        assertEquals("::", IpAddress.canonical("0:0:0:0:0:0:0:0"));
        assertEquals("::1", IpAddress.canonical("0:0:0:0:0:0:0:1"));
        assertEquals("fe80::", IpAddress.canonical("FE80:0:0:0:0:0:0:0"));
        assertEquals("1:2:3:4:5:6:7:8", IpAddress.canonical("1:2:3:4:5:6:7:8"));
        // a zone is kept as written
        assertEquals("fe80::1%eth0", IpAddress.canonical("fe80:0::0001%eth0"));
    }

    @Test
    void notAnAddressHasNoCanonicalSpelling() {
        for (String bad : new String[] {null, "", "010.0.0.1", "256.1.1.1", "1.2.3", "2001:db8::1::2", ":1::", "g::1",
                "1:2:3:4:5:6:7:8:9", "host.example"}) {
            assertNull(IpAddress.canonical(bad), String.valueOf(bad));
        }
    }

    /**
     * Random addresses (with zero runs, where compression matters) written five ways — full, leading
     * zeros, upper case, a compressed run, the canonical text itself — all give one canonical text,
     * which is the same 16 bytes for {@link InetAddress} and contains no upper case or leading zero.
     */
    @Test
    void everySpellingOfAnAddressGivesOneTextOfTheSameAddress() throws Exception {
        Random rnd = new Random(5952);
        for (int n = 0; n < 2_000; n++) {
            int[] g = new int[8];
            for (int i = 0; i < 8; i++) {
                g[i] = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(rnd.nextBoolean() ? 0x10 : 0x10000);
            }
            if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF) {
                continue; // IPv4-mapped: canonically a dotted quad (above)
            }
            String canonical = IpAddress.canonical(full(g, "%x"));
            assertEquals(canonical, IpAddress.canonical(full(g, "%04x")));
            assertEquals(canonical, IpAddress.canonical(full(g, "%X")));
            assertEquals(canonical, IpAddress.canonical(compressedFirstRun(g)));
            assertEquals(canonical, IpAddress.canonical(canonical));
            byte[] expected = new byte[16];
            for (int i = 0; i < 8; i++) {
                expected[2 * i] = (byte) (g[i] >>> 8);
                expected[2 * i + 1] = (byte) g[i];
            }
            assertArrayEquals(expected, InetAddress.getByName(canonical).getAddress(), canonical + " from " + Arrays.toString(g));
            assertEquals(canonical.toLowerCase(Locale.ROOT), canonical);
            for (String group : canonical.split(":")) {
                assertEquals(group.isEmpty() || group.equals("0") || group.charAt(0) != '0', true, canonical);
            }
        }
    }

    private static String full(int[] g, String format) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            b.append(i == 0 ? "" : ":").append(String.format(Locale.ROOT, format, g[i]));
        }
        return b.toString();
    }

    /** The first run of zero groups (even a single one) written as {@code ::}; else the full form. */
    private static String compressedFirstRun(int[] g) {
        int start = -1;
        for (int i = 0; i < 8; i++) {
            if (g[i] == 0) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return full(g, "%x");
        }
        int end = start;
        while (end < 8 && g[end] == 0) {
            end++;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < start; i++) {
            b.append(i == 0 ? "" : ":").append(Integer.toHexString(g[i]));
        }
        b.append("::");
        for (int i = end; i < 8; i++) {
            b.append(i == end ? "" : ":").append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }
}
