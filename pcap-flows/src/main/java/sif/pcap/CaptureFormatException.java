package sif.pcap;

import java.io.IOException;

/** A capture file that is truncated or corrupt; {@link #offset()} is the byte offset where reading failed. */
public class CaptureFormatException extends IOException {
    private final long offset;

    public CaptureFormatException(String message, long offset) {
        super(message + " (at byte offset " + offset + ")");
        this.offset = offset;
    }

    /** Byte offset in the file of the block or record that could not be read. */
    public long offset() {
        return offset;
    }
}
