package sif.pcap;

/**
 * One flow being measured, following CICFlowMeter's {@code BasicFlow} feature by feature (units:
 * microseconds, bytes of transport payload, transport header lengths). Where V4.0 and the corrected
 * version of Engelen et al. differ, {@link #engelen} selects the behaviour.
 */
final class FlowState extends FlowKey {

    final boolean engelen;
    final boolean v6;
    private final long activityTimeout;

    long flowStart;
    long flowLastSeen;
    private long startActive;
    private long endActive;
    private long fwdLastSeen;
    private long bwdLastSeen;

    final RunningStats fwdPkt = new RunningStats();
    RunningStats bwdPkt = RunningStats.EMPTY;
    private final RunningStats flowLength = new RunningStats();
    private RunningStats flowIat = RunningStats.EMPTY;
    private RunningStats fwdIat = RunningStats.EMPTY;
    private RunningStats bwdIat = RunningStats.EMPTY;
    private RunningStats active = RunningStats.EMPTY;
    private RunningStats idle = RunningStats.EMPTY;

    private long fwdBytes;
    private long bwdBytes;
    private long fHeader;
    private long bHeader;
    private int fPsh;
    private int bPsh;
    private int fUrg;
    private int bUrg;
    /** FIN counts per direction (V4: maintained by the generator; Engelen: counted per packet). */
    int fFin;
    int bFin;
    private int finCnt;
    private int synCnt;
    private int rstCnt;
    private int pshCnt;
    private int ackCnt;
    private int urgCnt;
    private int cwrCnt;
    private int eceCnt;
    private long actDataFwd;
    private long minSegFwd;
    private int initWinFwd;
    private int initWinBwd;

    private long sfLast = -1;
    private int sfCount;

    private long fbulkDuration;
    private long fbulkPacketCount;
    private long fbulkSizeTotal;
    private long fbulkStateCount;
    private long fbulkPacketCountHelper;
    private long fbulkStartHelper;
    private long fbulkSizeHelper;
    private long flastBulkTs;
    private long bbulkDuration;
    private long bbulkPacketCount;
    private long bbulkSizeTotal;
    private long bbulkStateCount;
    private long bbulkPacketCountHelper;
    private long bbulkStartHelper;
    private long bbulkSizeHelper;
    private long blastBulkTs;

    /** Engelen's TCP teardown state: 0 none, 1 first FIN, 2 FINs both ways, 3 ready for termination. */
    int tcpState;
    boolean finished;
    long lastSnapshot;
    /** ICMP type and code of the flow's first packet (-1 for other protocols). */
    final int icmpType;
    final int icmpCode;
    /** Capture file the flow started in. */
    String source;

    FlowState(boolean engelen, long activityTimeout, PacketInfo p, FlowKey orientation) {
        this.engelen = engelen;
        this.activityTimeout = activityTimeout;
        this.v6 = p.ipVersion == 6;
        this.icmpType = p.icmpType;
        this.icmpCode = p.icmpCode;
        if (engelen && orientation != null) {
            // Engelen: direction fixed before the first packet is classified
            set(orientation.srcHi, orientation.srcLo, orientation.dstHi, orientation.dstLo,
                    orientation.srcPort, orientation.dstPort, orientation.protocol);
        } else {
            setForward(p);
        }
        firstPacket(p);
        if (!engelen && orientation != null) {
            // V4: the first packet counted as forward, then the old flow's direction imposed
            set(orientation.srcHi, orientation.srcLo, orientation.dstHi, orientation.dstLo,
                    orientation.srcPort, orientation.dstPort, orientation.protocol);
        }
        lastSnapshot = flowStart;
    }

    /** The statistics to add to: {@code s} itself, or a new instance in place of the shared empty one. */
    private static RunningStats grow(RunningStats s) {
        return s == RunningStats.EMPTY ? new RunningStats() : s;
    }

    boolean isForward(PacketInfo p) {
        // CICFlowMeter compares source addresses only
        return p.srcLo == srcLo && p.srcHi == srcHi;
    }

    boolean isIcmp() {
        return protocol == 1 || protocol == 58;
    }

    int packetCount() {
        return (int) (fwdPkt.n + bwdPkt.n);
    }

    private void firstPacket(PacketInfo p) {
        long ts = p.timestampMicros;
        boolean fwd = isForward(p);
        updateFlowBulk(p, engelen && fwd);
        if (engelen) {
            checkFlags(p);
            endActive = ts;
            flowStart = ts;
            flowLastSeen = ts;
            startActive = ts;
            detectUpdateSubflows(ts);
        } else {
            detectUpdateSubflows(ts);
            checkFlags(p);
            flowStart = ts;
            flowLastSeen = ts;
            startActive = ts;
            endActive = ts;
        }
        flowLength.add(p.payloadBytes);
        if (fwd) {
            minSegFwd = p.headerBytes;
            initWinFwd = p.window;
            if (!engelen) {
                flowLength.add(p.payloadBytes); // V4 counts the first packet twice in the length stats
            }
            fwdPkt.add(p.payloadBytes);
            fHeader = p.headerBytes;
            fwdLastSeen = ts;
            fwdBytes += p.payloadBytes;
            if (p.has(PacketInfo.PSH)) {
                fPsh++;
            }
            if (p.has(PacketInfo.URG)) {
                fUrg++;
            }
            if (engelen) {
                if (p.payloadBytes >= 1) {
                    actDataFwd++;
                }
                if (p.has(PacketInfo.FIN)) {
                    fFin++;
                }
            }
        } else {
            initWinBwd = p.window;
            if (!engelen) {
                flowLength.add(p.payloadBytes);
            }
            bwdPkt = grow(bwdPkt).add(p.payloadBytes);
            bHeader = p.headerBytes;
            bwdLastSeen = ts;
            bwdBytes += p.payloadBytes;
            if (p.has(PacketInfo.PSH)) {
                bPsh++;
            }
            if (p.has(PacketInfo.URG)) {
                bUrg++;
            }
            if (engelen && p.has(PacketInfo.FIN)) {
                bFin++;
            }
        }
    }

    void addPacket(PacketInfo p) {
        long ts = p.timestampMicros;
        boolean fwd = isForward(p);
        updateFlowBulk(p, engelen && fwd);
        detectUpdateSubflows(ts);
        checkFlags(p);
        flowLength.add(p.payloadBytes);
        if (fwd) {
            if (p.payloadBytes >= 1) {
                actDataFwd++;
            }
            fwdPkt.add(p.payloadBytes);
            fHeader += p.headerBytes;
            fwdBytes += p.payloadBytes;
            if (fwdPkt.n > 1) {
                fwdIat = grow(fwdIat).add(ts - fwdLastSeen);
            }
            fwdLastSeen = engelen ? Math.max(fwdLastSeen, ts) : ts;
            minSegFwd = Math.min(p.headerBytes, minSegFwd);
            if (engelen) {
                if (p.has(PacketInfo.PSH)) {
                    fPsh++;
                }
                if (p.has(PacketInfo.URG)) {
                    fUrg++;
                }
                if (p.has(PacketInfo.FIN)) {
                    fFin++;
                }
            }
        } else {
            bwdPkt = grow(bwdPkt).add(p.payloadBytes);
            if (!engelen || initWinBwd == 0) {
                initWinBwd = p.window;
            }
            bHeader += p.headerBytes;
            bwdBytes += p.payloadBytes;
            if (bwdPkt.n > 1) {
                bwdIat = grow(bwdIat).add(ts - bwdLastSeen);
            }
            bwdLastSeen = engelen ? Math.max(bwdLastSeen, ts) : ts;
            if (engelen) {
                if (p.has(PacketInfo.PSH)) {
                    bPsh++;
                }
                if (p.has(PacketInfo.URG)) {
                    bUrg++;
                }
                if (p.has(PacketInfo.FIN)) {
                    bFin++;
                }
            }
        }
        flowIat = grow(flowIat).add(ts - flowLastSeen);
        flowLastSeen = engelen ? Math.max(flowLastSeen, ts) : ts;
    }

    private void checkFlags(PacketInfo p) {
        int f = p.flags;
        if (f == 0) {
            return;
        }
        if ((f & PacketInfo.FIN) != 0) {
            finCnt++;
        }
        if ((f & PacketInfo.SYN) != 0) {
            synCnt++;
        }
        if ((f & PacketInfo.RST) != 0) {
            rstCnt++;
        }
        if ((f & PacketInfo.PSH) != 0) {
            pshCnt++;
        }
        if ((f & PacketInfo.ACK) != 0) {
            ackCnt++;
        }
        if ((f & PacketInfo.URG) != 0) {
            urgCnt++;
        }
        if ((f & PacketInfo.CWR) != 0) {
            cwrCnt++;
        }
        if ((f & PacketInfo.ECE) != 0) {
            eceCnt++;
        }
    }

    private void detectUpdateSubflows(long ts) {
        if (sfLast == -1) {
            sfLast = ts;
        }
        if ((ts - sfLast) / 1_000_000.0 > 1.0) {
            sfCount++;
            updateActiveIdleTime(ts);
        }
        sfLast = ts;
    }

    void updateActiveIdleTime(long ts) {
        if (ts - endActive > activityTimeout) {
            if (endActive - startActive > 0) {
                active = grow(active).add(endActive - startActive);
            }
            idle = grow(idle).add(ts - endActive);
            startActive = ts;
            endActive = ts;
        } else {
            endActive = ts;
        }
    }

    /**
     * V4 compares byte arrays by reference here, so every packet goes to the backward bulk counters
     * with a forward "last bulk" time that never moves; Engelen compares by value.
     */
    private void updateFlowBulk(PacketInfo p, boolean forward) {
        if (forward) {
            updateForwardBulk(p, blastBulkTs);
        } else {
            updateBackwardBulk(p, flastBulkTs);
        }
    }

    private void updateForwardBulk(PacketInfo p, long tsOfLastBulkInOther) {
        long size = p.payloadBytes;
        long ts = p.timestampMicros;
        if (tsOfLastBulkInOther > fbulkStartHelper) {
            fbulkStartHelper = 0;
        }
        if (size <= 0) {
            return;
        }
        if (fbulkStartHelper == 0) {
            fbulkStartHelper = ts;
            fbulkPacketCountHelper = 1;
            fbulkSizeHelper = size;
            flastBulkTs = ts;
        } else if ((ts - flastBulkTs) / 1_000_000.0 > 1.0) {
            fbulkStartHelper = ts;
            flastBulkTs = ts;
            fbulkPacketCountHelper = 1;
            fbulkSizeHelper = size;
        } else {
            fbulkPacketCountHelper += 1;
            fbulkSizeHelper += size;
            if (fbulkPacketCountHelper == 4) {
                fbulkStateCount += 1;
                fbulkPacketCount += fbulkPacketCountHelper;
                fbulkSizeTotal += fbulkSizeHelper;
                fbulkDuration += ts - fbulkStartHelper;
            } else if (fbulkPacketCountHelper > 4) {
                fbulkPacketCount += 1;
                fbulkSizeTotal += size;
                fbulkDuration += ts - flastBulkTs;
            }
            flastBulkTs = ts;
        }
    }

    private void updateBackwardBulk(PacketInfo p, long tsOfLastBulkInOther) {
        long size = p.payloadBytes;
        long ts = p.timestampMicros;
        if (tsOfLastBulkInOther > bbulkStartHelper) {
            bbulkStartHelper = 0;
        }
        if (size <= 0) {
            return;
        }
        if (bbulkStartHelper == 0) {
            bbulkStartHelper = ts;
            bbulkPacketCountHelper = 1;
            bbulkSizeHelper = size;
            blastBulkTs = ts;
        } else if ((ts - blastBulkTs) / 1_000_000.0 > 1.0) {
            bbulkStartHelper = ts;
            blastBulkTs = ts;
            bbulkPacketCountHelper = 1;
            bbulkSizeHelper = size;
        } else {
            bbulkPacketCountHelper += 1;
            bbulkSizeHelper += size;
            if (bbulkPacketCountHelper == 4) {
                bbulkStateCount += 1;
                bbulkPacketCount += bbulkPacketCountHelper;
                bbulkSizeTotal += bbulkSizeHelper;
                bbulkDuration += ts - bbulkStartHelper;
            } else if (bbulkPacketCountHelper > 4) {
                bbulkPacketCount += 1;
                bbulkSizeTotal += size;
                bbulkDuration += ts - blastBulkTs;
            }
            blastBulkTs = ts;
        }
    }

    /** The 77 features in {@link sif.flows.FlowFeatures#ALL} order. */
    double[] features() {
        double[] f = new double[77];
        long duration = flowLastSeen - flowStart;
        long fwdN = fwdPkt.n;
        long bwdN = bwdPkt.n;
        long count = fwdN + bwdN;
        f[0] = duration;
        f[1] = fwdN;
        f[2] = bwdN;
        f[3] = fwdPkt.sum;
        f[4] = bwdPkt.sum;
        if (fwdN > 0) {
            f[5] = fwdPkt.max;
            f[6] = fwdPkt.min;
            f[7] = fwdPkt.mean();
            f[8] = fwdPkt.std();
        }
        if (bwdN > 0) {
            f[9] = bwdPkt.max;
            f[10] = bwdPkt.min;
            f[11] = bwdPkt.mean();
            f[12] = bwdPkt.std();
        }
        f[13] = ((double) (fwdBytes + bwdBytes)) / ((double) duration / 1_000_000L);
        f[14] = ((double) count) / ((double) duration / 1_000_000L);
        f[15] = flowIat.mean();
        f[16] = flowIat.std();
        f[17] = flowIat.max;
        f[18] = flowIat.min;
        if (fwdN > 1) {
            f[19] = fwdIat.sum;
            f[20] = fwdIat.mean();
            f[21] = fwdIat.std();
            f[22] = fwdIat.max;
            f[23] = fwdIat.min;
        }
        if (bwdN > 1) {
            f[24] = bwdIat.sum;
            f[25] = bwdIat.mean();
            f[26] = bwdIat.std();
            f[27] = bwdIat.max;
            f[28] = bwdIat.min;
        }
        f[29] = fPsh;
        f[30] = bPsh;
        f[31] = fUrg;
        f[32] = bUrg;
        f[33] = fHeader;
        f[34] = bHeader;
        if (duration > 0) {
            f[35] = fwdN / ((double) duration / 1_000_000L);
            f[36] = bwdN / ((double) duration / 1_000_000L);
        }
        if (count > 0) {
            f[37] = flowLength.min;
            f[38] = flowLength.max;
            f[39] = flowLength.mean();
            f[40] = flowLength.std();
            f[41] = flowLength.variance();
        }
        f[42] = finCnt;
        f[43] = synCnt;
        f[44] = rstCnt;
        f[45] = pshCnt;
        f[46] = ackCnt;
        f[47] = urgCnt;
        f[48] = cwrCnt;
        f[49] = eceCnt;
        if (fwdN > 0) {
            f[50] = engelen ? ((double) bwdN) / fwdN : (double) (bwdN / fwdN);
        }
        if (count > 0) {
            f[51] = flowLength.sum / count;
        }
        if (fwdN != 0) {
            f[52] = fwdPkt.sum / (double) fwdN;
        }
        if (bwdN != 0) {
            f[53] = bwdPkt.sum / (double) bwdN;
        }
        f[54] = fHeader;
        // V4 writes the bulk averages and rates as whole numbers (long division, the rate cut), Engelen's as decimals
        if (fbulkStateCount != 0) {
            f[55] = engelen ? (double) fbulkSizeTotal / fbulkStateCount : fbulkSizeTotal / fbulkStateCount;
            f[56] = engelen ? (double) fbulkPacketCount / fbulkStateCount : fbulkPacketCount / fbulkStateCount;
        }
        if (fbulkDuration != 0) {
            double rate = fbulkSizeTotal / (fbulkDuration / 1_000_000.0);
            f[57] = engelen ? rate : (long) rate;
        }
        if (bbulkStateCount != 0) {
            f[58] = engelen ? (double) bbulkSizeTotal / bbulkStateCount : bbulkSizeTotal / bbulkStateCount;
            f[59] = engelen ? (double) bbulkPacketCount / bbulkStateCount : bbulkPacketCount / bbulkStateCount;
        }
        if (bbulkDuration != 0) {
            double rate = bbulkSizeTotal / (bbulkDuration / 1_000_000.0);
            f[60] = engelen ? rate : (long) rate;
        }
        if (sfCount > 0) {
            if (engelen) {
                f[61] = (double) fwdN / sfCount;
                f[62] = (double) fwdBytes / sfCount;
                f[63] = (double) bwdN / sfCount;
                f[64] = (double) bwdBytes / sfCount;
            } else {
                f[61] = fwdN / sfCount;
                f[62] = fwdBytes / sfCount;
                f[63] = bwdN / sfCount;
                f[64] = bwdBytes / sfCount;
            }
        }
        f[65] = initWinFwd;
        f[66] = initWinBwd;
        f[67] = actDataFwd;
        f[68] = minSegFwd;
        if (active.n > 0) {
            f[69] = active.mean();
            f[70] = active.std();
            f[71] = active.max;
            f[72] = active.min;
        }
        if (idle.n > 0) {
            f[73] = idle.mean();
            f[74] = idle.std();
            f[75] = idle.max;
            f[76] = idle.min;
        }
        return f;
    }
}
