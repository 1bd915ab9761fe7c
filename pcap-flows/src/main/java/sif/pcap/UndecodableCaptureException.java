package sif.pcap;

import java.io.IOException;

/**
 * A capture that holds packets but not one the decoder could read (an unsupported link type, IPv6
 * only without IPv6 enabled, no TCP/UDP/ICMP): there is nothing to extract, which is an error rather
 * than an empty result.
 */
public class UndecodableCaptureException extends IOException {

    private final transient PacketCounts counts;

    public UndecodableCaptureException(String capture, PacketCounts counts) {
        super(capture + ": none of the " + counts.read() + " packets could be decoded (" + counts.describeSkipped()
                + ")");
        this.counts = counts;
    }

    /** What the packets were. */
    public PacketCounts counts() {
        return counts;
    }
}
