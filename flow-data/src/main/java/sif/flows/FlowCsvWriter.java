package sif.flows;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@link FlowRecord}s as CSV in the CICIDS2017 TrafficLabelling layout: the original
 * 85-column header (leading spaces and the repeated {@code Fwd Header Length} included), UTF-8,
 * {@code \n} line ends. {@link FlowCsvReader} reads the output back to equal records.
 *
 * <p>Timestamps: by default {@link TimestampStyle#ISO} ({@code yyyy-MM-dd HH:mm:ss.SSS}, UTC,
 * 24-hour). {@link TimestampStyle#CICIDS2017} writes what CICFlowMeter (the tool that made
 * CICIDS2017) writes, {@code dd/MM/yyyy hh:mm:ss AM|PM}: the published CICIDS2017 files dropped the
 * AM/PM and the seconds, a spelling whose hour is ambiguous outside the 2017 capture hours, so it
 * is read but not written. Absent values: -1 ports/protocol/timestamp and null strings are written empty.
 * Numbers: integral values without a fraction, others as {@link Double#toString(double)},
 * {@code Infinity}/{@code NaN} as in the original files.
 */
public final class FlowCsvWriter implements Closeable, Flushable {

    /** How timestamps are spelled. */
    public enum TimestampStyle { ISO, CICIDS2017 }

    /** The identifier columns before the features. */
    public static final List<String> ID_COLUMNS = List.of(
            "Flow ID", "Source IP", "Source Port", "Destination IP", "Destination Port", "Protocol", "Timestamp");

    /** The 85 column names (trimmed; the 62nd is the repeated {@code Fwd Header Length}). */
    public static final List<String> COLUMNS;

    /** The header line exactly as in the original TrafficLabelling files. */
    public static final String HEADER;

    static {
        List<String> cols = new ArrayList<>(ID_COLUMNS);
        for (FlowFeatures.Feature f : FlowFeatures.ALL) {
            cols.add(f.csvName().equals(FlowFeatures.DUPLICATE) ? "Fwd Header Length" : f.csvName());
        }
        cols.add("Label");
        COLUMNS = List.copyOf(cols);
        // the original's spacing: these columns have no leading space, every other one has one
        List<String> unspaced = List.of("Flow ID", "Total Length of Fwd Packets", "Bwd Packet Length Max",
                "Flow Bytes/s", "Fwd IAT Total", "Bwd IAT Total", "Fwd PSH Flags", "Fwd Packets/s",
                "FIN Flag Count", "Fwd Avg Bytes/Bulk", "Bwd Avg Bulk Rate", "Subflow Fwd Packets",
                "Init_Win_bytes_forward", "Active Mean", "Idle Mean");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String c = cols.get(i);
            boolean firstFwdHeader = c.equals("Fwd Header Length") && i < 50;
            if (!unspaced.contains(c) || (c.equals("Fwd Header Length") && !firstFwdHeader)) {
                b.append(' ');
            }
            b.append(c);
        }
        HEADER = b.toString();
    }

    private final Writer out;
    private final TimestampStyle style;
    private final StringBuilder line = new StringBuilder(1024);
    private long rows;

    /** Writes to a new file (replacing it), ISO timestamps. */
    public FlowCsvWriter(Path file) throws IOException {
        this(Files.newBufferedWriter(file, StandardCharsets.UTF_8), TimestampStyle.ISO);
    }

    /** Writes to {@code out} (closed with this writer) and writes the header now. */
    public FlowCsvWriter(Writer out, TimestampStyle style) throws IOException {
        this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out);
        this.style = style;
        this.out.write(HEADER);
        this.out.write('\n');
    }

    /** Writes one record as a row. */
    public void write(FlowRecord r) throws IOException {
        line.setLength(0);
        text(r.flowId()).append(',');
        text(r.srcIp()).append(',');
        integer(r.srcPort()).append(',');
        text(r.dstIp()).append(',');
        integer(r.dstPort()).append(',');
        integer(r.protocol()).append(',');
        if (r.timestampMs() >= 0) {
            line.append(style == TimestampStyle.ISO ? CicTimestamps.formatIso(r.timestampMs())
                    : CicTimestamps.formatCicFlowMeter(r.timestampMs()));
        }
        for (double v : r.features()) {
            line.append(',');
            number(v);
        }
        line.append(',');
        text(r.label());
        line.append('\n');
        out.append(line);
        rows++;
    }

    /** Rows written so far. */
    public long rows() {
        return rows;
    }

    private StringBuilder text(String s) {
        if (s != null) {
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
                line.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else {
                line.append(s);
            }
        }
        return line;
    }

    private StringBuilder integer(int v) {
        if (v >= 0) {
            line.append(v);
        }
        return line;
    }

    private void number(double v) {
        if (Double.isNaN(v)) {
            line.append("NaN");
        } else if (Double.isInfinite(v)) {
            line.append(v > 0 ? "Infinity" : "-Infinity");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            line.append((long) v);
        } else {
            line.append(v);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
