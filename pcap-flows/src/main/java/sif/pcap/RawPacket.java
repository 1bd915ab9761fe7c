package sif.pcap;

/**
 * One captured frame as read from a pcap/pcapng file. Mutable and reused by {@link CaptureReader}:
 * the bytes are valid only until the next call to {@link CaptureReader#next(RawPacket)}.
 */
public final class RawPacket {
    /** Capture timestamp, microseconds since the epoch. */
    public long timestampMicros;
    /** Link type (LINKTYPE_* number) of the interface the frame was captured on. */
    public int linkType;
    /** Frame bytes start at {@link #offset} in {@link #data}. */
    public byte[] data = new byte[0];
    public int offset;
    /** Captured length. */
    public int length;
    /** Original length on the wire. */
    public int originalLength;
    /**
     * Bytes of frame check sequence at the end of each frame, as the capture declares it (classic pcap:
     * the FCS bits of the link-type field; pcapng: the interface's {@code if_fcslen}); 0 when none is
     * declared.
     */
    public int fcsBytes;
    /** Byte offset in the file of this packet's record. */
    public long fileOffset;
}
