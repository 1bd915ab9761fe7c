package sif.flows;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads text lines from bytes of unknown encoding: a line that is valid UTF-8 is decoded as UTF-8,
 * any other line as ISO-8859-1 (so cp1252's 0x96 becomes U+0096, which {@link Labels} knows). A
 * UTF-8 byte-order mark at the start is dropped; {@code \r\n} and {@code \n} both end a line.
 */
final class ByteLines implements Closeable {

    private final InputStream in;
    private final String name;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private int scan;
    private boolean eof;
    private boolean first = true;
    private long lineNumber;
    private long bytesRead;

    ByteLines(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /** 1-based number of the line last returned. */
    long lineNumber() {
        return lineNumber;
    }

    long bytesRead() {
        return bytesRead;
    }

    /** The next line without its terminator, or null at the end. */
    String next() throws IOException {
        while (true) {
            for (int i = scan; i < lim; i++) {
                if (buf[i] == '\n') {
                    int start = pos;
                    pos = i + 1;
                    scan = pos;
                    return decode(start, i);
                }
            }
            scan = lim;
            if (eof) {
                if (pos < lim) {
                    int start = pos;
                    pos = lim;
                    return decode(start, lim);
                }
                return null;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            scan -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            byte[] bigger = new byte[buf.length * 2];
            System.arraycopy(buf, 0, bigger, 0, lim);
            buf = bigger;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
        } else {
            lim += n;
            bytesRead += n;
        }
    }

    private String decode(int start, int end) throws FlowCsvFormatException {
        lineNumber++;
        if (end > start && buf[end - 1] == '\r') {
            end--;
        }
        if (first) {
            first = false;
            if (end - start >= 3 && (buf[start] & 0xff) == 0xEF && (buf[start + 1] & 0xff) == 0xBB
                    && (buf[start + 2] & 0xff) == 0xBF) {
                start += 3;
            } else if (end - start >= 2 && (((buf[start] & 0xff) == 0xFF && (buf[start + 1] & 0xff) == 0xFE)
                    || ((buf[start] & 0xff) == 0xFE && (buf[start + 1] & 0xff) == 0xFF))) {
                throw new FlowCsvFormatException(name + ": UTF-16 text is not supported; convert the file to UTF-8");
            }
        }
        boolean ascii = true;
        for (int i = start; i < end; i++) {
            if (buf[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(buf, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
