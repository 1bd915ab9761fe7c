package sif.flows;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming reader of CICIDS2017 / CICFlowMeter flow CSVs, in constant memory.
 *
 * <p>Layouts (recognised from the header, see {@link CsvLayout}): TrafficLabelling /
 * GeneratedLabelledFlows (85 columns, or 84 without the duplicate {@code Fwd Header Length}),
 * CICFlowMeter V4 and Engelen et al. outputs (column names mapped by alias; extra columns
 * ignored), and MachineLearningCVE (79 columns: {@code srcIp}/{@code dstIp} null, ports and protocol
 * -1 except the destination port, timestamp -1, flow id {@code <file>:<line>}).
 *
 * <p>Quirks handled: leading/trailing spaces in header names, a UTF-8 BOM, the repeated
 * {@code Fwd Header Length} (or pandas' {@code Fwd Header Length.1}; when a file has only one copy
 * the second feature is filled with the same value), {@code Infinity}/{@code NaN} in any case,
 * integers written as {@code 80.0}, bytes in any encoding (per line: UTF-8 if valid, else
 * ISO-8859-1), every spelling of the web-attack dash (labels are emitted canonical via {@link
 * Labels}; unknown labels such as {@code NeedManualLabel} are kept as written), blank lines and lines
 * of commas only (counted, not rows), timestamps as in {@link CicTimestamps} (read as UTC).
 * Integer label-encodings in place of IPs / timestamp (the fisher85 re-upload) are kept as given:
 * the IP fields hold the code as a string and the timestamp is -1; such rows are counted in
 * {@link ReadSummary.FileSummary#encodedIdRows()}. An empty feature value reads as NaN.
 *
 * <p>A malformed row (wrong number of columns, unparsable number or timestamp) is skipped and
 * recorded in the {@link ReadSummary} with file, line and reason, and logged; never silently.
 * A file that is not a flow CSV at all fails with {@link FlowCsvFormatException}.
 *
 * <p>Directories: only the directory's own {@code *.csv} files, sorted by name; subdirectories
 * only with {@link Options#includeSubdirs()} (then each directory's files before its
 * subdirectories, all sorted by name).
 */
public final class FlowCsvReader {

    private static final Logger LOG = LoggerFactory.getLogger(FlowCsvReader.class);
    private static final int LOGGED_SKIPS_PER_FILE = 20;

    /**
     * Reading options.
     *
     * @param includeSubdirs     for a directory, also read the CSVs of its subdirectories
     * @param skippedDetailLimit how many skipped rows the summary keeps with details
     * @param logSkipped         log skipped rows (the first few per file); off for a second pass over
     *                           files whose skipped rows were logged already (the summary still has them)
     */
    public record Options(boolean includeSubdirs, int skippedDetailLimit, boolean logSkipped) {
        public static final Options DEFAULT = new Options(false, ReadSummary.DEFAULT_DETAIL_LIMIT, true);

        public Options(boolean includeSubdirs, int skippedDetailLimit) {
            this(includeSubdirs, skippedDetailLimit, true);
        }

        public Options withIncludeSubdirs(boolean include) {
            return new Options(include, skippedDetailLimit, logSkipped);
        }

        public Options withLogSkipped(boolean log) {
            return new Options(includeSubdirs, skippedDetailLimit, log);
        }
    }

    private FlowCsvReader() {}

    /** Reads a file, or a directory's {@code *.csv} files, into {@code sink}. */
    public static ReadSummary read(Path fileOrDir, Consumer<FlowRecord> sink) throws IOException {
        return read(fileOrDir, Options.DEFAULT, sink);
    }

    /** Reads a file or directory with options into {@code sink}. */
    public static ReadSummary read(Path fileOrDir, Options options, Consumer<FlowRecord> sink) throws IOException {
        try (FlowIterator it = iterate(fileOrDir, options)) {
            while (it.hasNextChecked()) {
                sink.accept(it.next());
            }
            it.finish();
            return it.summary();
        }
    }

    /** Reads CSV text from a stream (closed at the end); {@code fileName} names it in records and errors. */
    public static ReadSummary read(InputStream in, String fileName, Consumer<FlowRecord> sink) throws IOException {
        ReadSummary summary = new ReadSummary();
        try (FileParser parser = new FileParser(in, fileName, summary)) {
            FlowRecord r;
            while ((r = parser.next()) != null) {
                sink.accept(r);
            }
        }
        summary.endFile();
        return summary;
    }

    /**
     * An iterator over the records of a file or directory. Close it (try-with-resources). I/O errors
     * while iterating surface as {@link UncheckedIOException}.
     */
    public static FlowIterator iterate(Path fileOrDir, Options options) throws IOException {
        return new FlowIterator(csvFiles(fileOrDir, options.includeSubdirs()), options);
    }

    /**
     * A sequential stream over the records; close it (try-with-resources) to release the file.
     * The summary is not available through the stream; use {@link #iterate} when it is needed.
     */
    public static Stream<FlowRecord> stream(Path fileOrDir, Options options) throws IOException {
        FlowIterator it = iterate(fileOrDir, options);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(it::closeUnchecked);
    }

    /**
     * The CSV files {@code fileOrDir} stands for: itself if a file; else the directory's
     * {@code *.csv} files (any case) sorted by name, then, with {@code includeSubdirs}, each
     * subdirectory's (sorted by name, recursively).
     *
     * @throws NoSuchFileException  when the path does not exist
     * @throws FlowCsvFormatException when a directory holds no CSV file
     */
    public static List<Path> csvFiles(Path fileOrDir, boolean includeSubdirs) throws IOException {
        if (!Files.exists(fileOrDir)) {
            throw new NoSuchFileException(fileOrDir.toString(), null, "no such file or directory");
        }
        if (!Files.isDirectory(fileOrDir)) {
            if (!Files.isReadable(fileOrDir)) {
                throw new IOException(fileOrDir + ": file is not readable");
            }
            return List.of(fileOrDir);
        }
        List<Path> out = new ArrayList<>();
        collect(fileOrDir, includeSubdirs, out);
        if (out.isEmpty()) {
            throw new FlowCsvFormatException(fileOrDir + ": no *.csv files"
                    + (includeSubdirs ? " (searched subdirectories too)" : " (subdirectories not searched)"));
        }
        return out;
    }

    private static void collect(Path dir, boolean recurse, List<Path> out) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        for (Path p : entries) {
            if (Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                out.add(p);
            }
        }
        if (recurse) {
            for (Path p : entries) {
                if (Files.isDirectory(p)) {
                    collect(p, true, out);
                }
            }
        }
    }

    /** Iterator over the records of several files, opened one after another. */
    public static final class FlowIterator implements Iterator<FlowRecord>, Closeable {
        private final List<Path> files;
        private final ReadSummary summary;
        private final long logLimit;
        private int nextFile;
        private FileParser parser;
        private FlowRecord next;
        private boolean done;

        private FlowIterator(List<Path> files, Options options) {
            this.files = List.copyOf(files);
            this.logLimit = options.logSkipped() ? LOGGED_SKIPS_PER_FILE : 0;
            this.summary = new ReadSummary(options.skippedDetailLimit());
        }

        /** The files this iterator reads, in order. */
        public List<Path> files() {
            return files;
        }

        /** The summary so far (complete once {@link #hasNext()} returned false). */
        public ReadSummary summary() {
            return summary;
        }

        /** Like {@link #hasNext()} but throws the checked {@link IOException}. */
        public boolean hasNextChecked() throws IOException {
            while (next == null && !done) {
                if (parser == null) {
                    if (nextFile >= files.size()) {
                        done = true;
                        summary.endFile();
                        break;
                    }
                    Path file = files.get(nextFile++);
                    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                    try {
                        parser = new FileParser(in, file.getFileName().toString(), summary);
                        parser.logLimit = logLimit;
                    } catch (IOException | RuntimeException e) {
                        in.close();
                        throw e;
                    }
                }
                next = parser.next();
                if (next == null) {
                    parser.close();
                    parser = null;
                }
            }
            return next != null;
        }

        @Override
        public boolean hasNext() {
            try {
                return hasNextChecked();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public FlowRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            FlowRecord r = next;
            next = null;
            return r;
        }

        void finish() {
            summary.endFile();
        }

        @Override
        public void close() throws IOException {
            done = true;
            if (parser != null) {
                parser.close();
                parser = null;
            }
        }

        private void closeUnchecked() {
            try {
                close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Parses one file: header, then one record per row. */
    static final class FileParser implements Closeable {
        private final ByteLines lines;
        private final String file;
        private final ReadSummary summary;
        private final CsvHeader header;
        private final int fwdHeader = FlowFeatures.indexOfCsvName("Fwd Header Length");
        private final int duplicate = FlowFeatures.indexOfCsvName(FlowFeatures.DUPLICATE);
        private final int colFlowId;
        private final int colSrcIp;
        private final int colSrcPort;
        private final int colDstIp;
        private final int colDstPort;
        private final int colProtocol;
        private final int colTimestamp;
        private final int colLabel;
        private final int[] featureColumn = new int[FlowFeatures.COUNT];
        private String lastTimestampText;
        private long lastTimestamp;
        private long logged;
        private long logLimit = LOGGED_SKIPS_PER_FILE;

        FileParser(InputStream in, String file, ReadSummary summary) throws IOException {
            this.lines = new ByteLines(in, file);
            this.file = file;
            this.summary = summary;
            try {
                String headerLine;
                do {
                    headerLine = lines.next(); // throws on a file that is not UTF-8 text (UTF-16, binary)
                    if (headerLine == null) {
                        throw new FlowCsvFormatException(file + ": empty file, no header line");
                    }
                } while (isBlank(headerLine));
                this.header = CsvHeader.parse(file, split(headerLine, -1));
            } catch (IOException | RuntimeException e) { // the stream is closed on every way out
                try {
                    lines.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            colFlowId = header.column(CsvHeader.FLOW_ID);
            colSrcIp = header.column(CsvHeader.SRC_IP);
            colSrcPort = header.column(CsvHeader.SRC_PORT);
            colDstIp = header.column(CsvHeader.DST_IP);
            colDstPort = header.column(CsvHeader.DST_PORT);
            colProtocol = header.column(CsvHeader.PROTOCOL);
            colTimestamp = header.column(CsvHeader.TIMESTAMP);
            colLabel = header.column(CsvHeader.LABEL);
            Arrays.fill(featureColumn, -1);
            for (int c = 0; c < header.roles.length; c++) {
                if (header.roles[c] >= 0) {
                    featureColumn[header.roles[c]] = c;
                }
            }
            summary.beginFile(file, header.layout, header.names.length, header.duplicatePresent,
                    header.missingFeatures, header.ignoredColumns);
            if (!header.missingFeatures.isEmpty() || !header.ignoredColumns.isEmpty()) {
                LOG.info("{}: {} layout, {} columns; features without a column (NaN): {}; ignored columns: {}",
                        file, header.layout, header.names.length, header.missingFeatures, header.ignoredColumns);
            }
        }

        CsvLayout layout() {
            return header.layout;
        }

        /** The next good record, or null at the end of the file; bad rows are recorded and passed over. */
        FlowRecord next() throws IOException {
            String line;
            while ((line = lines.next()) != null) {
                if (isBlank(line)) {
                    summary.blank();
                    continue;
                }
                long lineNo = lines.lineNumber();
                try {
                    return parse(line, lineNo);
                } catch (BadRow e) {
                    summary.skipped(file, lineNo, e.getMessage());
                    if (logged++ < logLimit) {
                        LOG.warn("{}:{}: skipped malformed row: {}", file, lineNo, e.getMessage());
                    }
                }
            }
            return null;
        }

        private FlowRecord parse(String line, long lineNo) throws BadRow {
            String[] f = split(line, header.names.length);
            if (f.length != header.names.length) {
                throw new BadRow("expected " + header.names.length + " columns, found " + f.length);
            }
            double[] features = new double[FlowFeatures.COUNT];
            for (int i = 0; i < FlowFeatures.COUNT; i++) {
                int c = featureColumn[i];
                features[i] = c < 0 ? Double.NaN : number(f[c], c);
            }
            if (featureColumn[duplicate] < 0 && featureColumn[fwdHeader] >= 0) {
                features[duplicate] = features[fwdHeader];
            }
            boolean encoded = false;
            String srcIp = text(f, colSrcIp);
            String dstIp = text(f, colDstIp);
            // a layout with these columns and a row without them: it cannot be put in its source's
            // sequence in time order (it would silently join the file-order fallback), so it is malformed
            if (colSrcIp >= 0 && srcIp == null) {
                throw new BadRow("blank Source IP");
            }
            String ts = text(f, colTimestamp);
            if (colTimestamp >= 0 && ts == null) {
                throw new BadRow("blank Timestamp");
            }
            if ((srcIp != null && isDigits(srcIp)) || (dstIp != null && isDigits(dstIp))) {
                encoded = true;
            }
            long timestamp = -1;
            if (ts != null) {
                if (isDigits(ts)) {
                    encoded = true; // a label-encoding, not a time
                } else if (ts.equals(lastTimestampText)) {
                    timestamp = lastTimestamp;
                } else {
                    try {
                        timestamp = CicTimestamps.parseUtcMillis(ts);
                    } catch (IllegalArgumentException e) {
                        throw new BadRow(e.getMessage());
                    }
                    lastTimestampText = ts;
                    lastTimestamp = timestamp;
                }
            }
            String flowId = text(f, colFlowId);
            if (flowId == null) {
                flowId = file + ":" + lineNo;
            }
            String label = text(f, colLabel);
            if (label != null) {
                label = Labels.find(label).orElse(label);
            }
            FlowRecord r = new FlowRecord(flowId, srcIp, integer(f, colSrcPort), dstIp, integer(f, colDstPort),
                    integer(f, colProtocol), timestamp, features, label, file, lineNo);
            summary.row(label, encoded);
            return r;
        }

        private String text(String[] f, int column) {
            if (column < 0) {
                return null;
            }
            String s = f[column].trim();
            return s.isEmpty() ? null : s;
        }

        private int integer(String[] f, int column) throws BadRow {
            if (column < 0) {
                return -1;
            }
            String s = f[column].trim();
            if (s.isEmpty()) {
                return -1;
            }
            double v = number(s, column);
            if (!(v >= 0 && v <= Integer.MAX_VALUE) || v != Math.rint(v)) {
                throw new BadRow("column '" + header.names[column] + "': '" + s + "' is not a non-negative integer");
            }
            return (int) v;
        }

        private double number(String raw, int column) throws BadRow {
            String s = raw.trim();
            if (s.isEmpty()) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "inf", "+inf", "infinity", "+infinity" -> {
                        return Double.POSITIVE_INFINITY;
                    }
                    case "-inf", "-infinity" -> {
                        return Double.NEGATIVE_INFINITY;
                    }
                    case "nan", "-nan", "+nan" -> {
                        return Double.NaN;
                    }
                    default -> throw new BadRow("column '" + header.names[column] + "': unparsable number '"
                            + Labels.printable(s) + "'");
                }
            }
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** True for an empty line or one of spaces and commas only. */
    static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ',' && c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Splits a CSV line; double quotes (RFC 4180) are honoured when present. */
    static String[] split(String line, int expected) {
        if (line.indexOf('"') < 0) {
            String[] out = new String[expected > 0 ? expected : 16];
            int n = 0;
            int start = 0;
            while (true) {
                int comma = line.indexOf(',', start);
                String field = comma < 0 ? line.substring(start) : line.substring(start, comma);
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[n++] = field;
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }
        List<String> fields = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        b.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    b.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        fields.add(b.toString());
        return fields.toArray(new String[0]);
    }

    /** A row that cannot be read; its message is the reason recorded in the summary. */
    private static final class BadRow extends Exception {
        BadRow(String message) {
            super(message, null, false, false);
        }
    }
}
