package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimedOutFlowsTest {

    private static PacketInfo udp(int src, int dst, int sport, int dport) {
        PacketInfo p = new PacketInfo();
        p.ipVersion = 4;
        p.protocol = 17;
        p.srcLo = src;
        p.dstLo = dst;
        p.srcPort = sport;
        p.dstPort = dport;
        return p;
    }

    private static FlowKey key(PacketInfo p) {
        FlowKey k = new FlowKey();
        k.setForward(p);
        return k;
    }

    @Test
    void anEndedFlowIsFoundFromEitherDirectionOnceWithItsOwnDirection() {
        TimedOutFlows t = new TimedOutFlows(10);
        t.add(key(udp(1, 2, 1000, 53)), true, 7);
        TimedOutFlows.Ended e = t.remove(udp(2, 1, 53, 1000));
        assertEquals(1, e.srcLo);
        assertEquals(2, e.dstLo);
        assertEquals(1000, e.srcPort);
        assertTrue(e.readyForNewConnection);
        assertEquals(7, e.lastSeenMicros);
        assertNull(t.remove(udp(1, 2, 1000, 53)), "forgotten once continued");
        assertNull(t.remove(udp(1, 2, 1000, 54)), "another 5-tuple");
    }

    @Test
    void beyondTheCapacityTheOldestAreForgotten() {
        TimedOutFlows t = new TimedOutFlows(2);
        for (int port = 1; port <= 3; port++) {
            t.add(key(udp(1, 2, port, 53)), false, 0);
        }
        assertEquals(2, t.size());
        assertNull(t.remove(udp(1, 2, 1, 53)));
        assertEquals(2, t.remove(udp(1, 2, 2, 53)).srcPort);
        assertEquals(3, t.remove(udp(2, 1, 53, 3)).srcPort);
        assertEquals(0, t.size());
    }
}
