package sif.trust;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {

    @Test
    void ipv4() {
        Cidr c = Cidr.parse("192.168.10.0/24");
        assertTrue(c.contains("192.168.10.0"));
        assertTrue(c.contains("192.168.10.255"));
        assertFalse(c.contains("192.168.11.0"));
        assertTrue(Cidr.parse("0.0.0.0/0").contains("8.8.8.8"));
        assertFalse(Cidr.parse("0.0.0.0/0").contains("::1"), "IPv4 CIDR never matches native IPv6");
        assertTrue(Cidr.parse("10.0.0.5").contains("10.0.0.5"));
        assertFalse(Cidr.parse("10.0.0.5").contains("10.0.0.6"));
        assertTrue(Cidr.parse("172.16.0.0/12").contains("172.31.255.255"));
        assertFalse(Cidr.parse("172.16.0.0/12").contains("172.32.0.0"));
    }

    /**
     * Networks in policy rules refuse bits past the prefix: {@code ::ffff:198.51.100.0/24} is the IPv6
     * network ::/24 (no IPv4 address in it), so a deny rule written so let 198.51.100.7 through.
     */
    @Test
    void aPolicyNetworkWithBitsPastItsPrefixIsRefused() {
        IllegalArgumentException mapped = assertThrows(IllegalArgumentException.class,
                () -> Cidr.parseNetwork("::ffff:198.51.100.0/24"));
        assertTrue(mapped.getMessage().contains("/120"), mapped.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parseNetwork("10.0.0.5/24"));
        assertTrue(Cidr.parseNetwork("::ffff:198.51.100.0/120").contains("198.51.100.7"));
        assertTrue(Cidr.parseNetwork("10.0.0.0/24").contains("10.0.0.5"));
        assertTrue(Cidr.parseNetwork("10.0.0.5").contains("10.0.0.5"));
        assertTrue(Cidr.parseNetwork("0.0.0.0/0").contains("8.8.8.8"));
        IllegalArgumentException rule = assertThrows(IllegalArgumentException.class, () -> sif.policy.PolicyLoader.parse(
                "deny: [{id: d, sources: ['::ffff:198.51.100.0/24']}]\n", "test"));
        assertTrue(rule.getMessage().contains("::ffff:198.51.100.0/24"), rule.getMessage());
    }

    @Test
    void ipv6() {
        Cidr c = Cidr.parse("2001:db8::/32");
        assertTrue(c.contains("2001:db8:ffff::1"));
        assertFalse(c.contains("2001:db9::1"));
        assertTrue(Cidr.parse("::1").contains("0:0:0:0:0:0:0:1"));
        assertTrue(Cidr.parse("::ffff:0:0/96").contains("1.2.3.4"), "IPv4 is mapped to ::ffff:0:0/96");
        assertTrue(Cidr.parse("fe80::/10").contains("fe80::1%eth0"));
    }

    @Test
    void anyIpv6DoesNotMatchIpv4ButTheMappedFormIsIpv4() {
        for (String anyV6 : new String[] {"::/0", "::/64", "::/95", "::ffff:0:0/95"}) {
            Cidr c = Cidr.parse(anyV6);
            assertFalse(c.contains("10.1.2.3"), anyV6 + " is IPv6 only");
            assertFalse(c.contains("::ffff:10.1.2.3"), anyV6 + ": the mapped spelling is the same IPv4 address");
        }
        assertTrue(Cidr.parse("::/0").contains("2001:db8::1"));
        assertTrue(Cidr.parse("::/64").contains("::1"));
        // written in IPv4-mapped form, a prefix is IPv4: the same address space as 10.0.0.0/8
        assertTrue(Cidr.parse("::ffff:10.0.0.0/104").contains("10.1.2.3"));
        assertTrue(Cidr.parse("::ffff:10.0.0.0/104").contains("::ffff:10.1.2.3"));
        assertFalse(Cidr.parse("::ffff:10.0.0.0/104").contains("11.0.0.1"));
        assertTrue(Cidr.parse("10.0.0.0/8").contains("::ffff:10.1.2.3"));
        assertFalse(Cidr.parse("10.0.0.0/8").contains("2001:db8::a01:203"));
    }

    @Test
    void aHostBindingCoversBothSpellingsOfAnIpv4Source() {
        IdentityRegistry reg = new IdentityRegistry();
        reg.apply(new IdentityEvent("host", IdentityEventType.ISSUED, java.util.List.of("192.168.10.7"), "h", 0, 10,
                0, "mTLS", 1, true, null));
        reg.apply(new IdentityEvent("net", IdentityEventType.ISSUED, java.util.List.of("192.168.10.0/24"), "n", 0, 10,
                0, "mTLS", 1, true, null));
        assertEquals("host", reg.bySource("192.168.10.7").principal());
        assertEquals("host", reg.bySource("::ffff:192.168.10.7").principal(), "not the /24's principal");
        assertEquals("net", reg.bySource("::ffff:192.168.10.8").principal());
        reg.apply(new IdentityEvent("mapped", IdentityEventType.ISSUED, java.util.List.of("::ffff:192.168.10.9/128"),
                "m", 0, 10, 0, "mTLS", 1, true, null));
        assertEquals("mapped", reg.bySource("192.168.10.9").principal());
    }

    @Test
    void parsing() {
        assertEquals(-1, IpAddress.parseV4("256.1.1.1"));
        assertEquals(-1, IpAddress.parseV4("1.2.3"));
        assertEquals(-1, IpAddress.parseV4("01.2.3.4"));
        assertEquals(0xC0A80A05L, IpAddress.parseV4("192.168.10.5"));
        assertFalse(IpAddress.isValid("1::2::3"));
        assertFalse(IpAddress.isValid("example.com"));
        assertTrue(IpAddress.isValid("::"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("host.example"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
    }
}
