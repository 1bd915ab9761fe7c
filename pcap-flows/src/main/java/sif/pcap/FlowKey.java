package sif.pcap;

/** A directed 5-tuple; mutable so that one probe instance serves every lookup without allocation. */
class FlowKey {
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int srcPort;
    int dstPort;
    int protocol;
    int hash;

    final void setForward(PacketInfo p) {
        set(p.srcHi, p.srcLo, p.dstHi, p.dstLo, p.srcPort, p.dstPort, p.protocol);
    }

    final void setBackward(PacketInfo p) {
        set(p.dstHi, p.dstLo, p.srcHi, p.srcLo, p.dstPort, p.srcPort, p.protocol);
    }

    final void set(long sHi, long sLo, long dHi, long dLo, int sPort, int dPort, int proto) {
        srcHi = sHi;
        srcLo = sLo;
        dstHi = dHi;
        dstLo = dLo;
        srcPort = sPort;
        dstPort = dPort;
        protocol = proto;
        long h = sLo * 0x9E3779B97F4A7C15L;
        h ^= dLo * 0xC2B2AE3D27D4EB4FL;
        h ^= (sHi * 31 + dHi) * 0x165667B19E3779F9L;
        h ^= ((long) sPort << 24 | (long) dPort << 8 | proto) * 0x27D4EB2F165667C5L;
        hash = (int) (h ^ (h >>> 32));
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    @Override
    public final boolean equals(Object o) {
        if (!(o instanceof FlowKey k)) {
            return false;
        }
        return srcLo == k.srcLo && dstLo == k.dstLo && srcPort == k.srcPort && dstPort == k.dstPort
                && protocol == k.protocol && srcHi == k.srcHi && dstHi == k.dstHi;
    }
}
