package sif.flows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link FlowCsvReader} run read and what it skipped. Every skipped row is counted; the
 * first {@link #detailLimit()} are kept with file, line and reason.
 *
 * <p>Filled in while reading (not thread-safe); read the getters after the read finished.
 */
public final class ReadSummary {

    /** One skipped row: file name, 1-based line number and why. */
    public record SkippedRow(String file, long line, String reason) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + reason;
        }
    }

    /**
     * One file's figures.
     *
     * @param file            the file (as given / found)
     * @param layout          the layout recognised from the header
     * @param columns         number of header columns
     * @param duplicateFwdHeaderLength whether the file has the second {@code Fwd Header Length}
     *                        column (original or pandas' {@code .1}); when absent the reader copies
     *                        the first one into {@link FlowFeatures#DUPLICATE}
     * @param rows            rows read
     * @param skipped         malformed rows skipped
     * @param blankLines      blank lines (or lines of commas only) passed over
     * @param encodedIdRows   rows whose IPs / timestamp are integer label-encodings, not addresses /
     *                        times (kept as given; timestamp -1)
     * @param labelCounts     rows per label as emitted (canonical where known), sorted by label
     * @param missingFeatures features with no column in this file (NaN in every record)
     * @param ignoredColumns  header columns that map to nothing SIF uses
     */
    public record FileSummary(String file, CsvLayout layout, int columns, boolean duplicateFwdHeaderLength,
                              long rows, long skipped, long blankLines, long encodedIdRows,
                              Map<String, Long> labelCounts, List<String> missingFeatures,
                              List<String> ignoredColumns) {}

    /** Default number of skipped rows kept with details. */
    public static final int DEFAULT_DETAIL_LIMIT = 1000;

    private final int detailLimit;
    private final List<SkippedRow> skippedRows = new ArrayList<>();
    private final List<FileSummary> files = new ArrayList<>();
    private final Map<String, Long> labelCounts = new TreeMap<>();
    private long rowsRead;
    private long rowsSkipped;
    private long blankLines;

    // current file
    private String file;
    private CsvLayout layout;
    private int columns;
    private boolean duplicate;
    private long fileRows;
    private long fileSkipped;
    private long fileBlank;
    private long fileEncoded;
    private Map<String, Long> fileLabels;
    private List<String> missing;
    private List<String> ignored;

    public ReadSummary() {
        this(DEFAULT_DETAIL_LIMIT);
    }

    public ReadSummary(int detailLimit) {
        this.detailLimit = detailLimit;
    }

    void beginFile(String fileName, CsvLayout layout, int columns, boolean duplicate,
                   List<String> missingFeatures, List<String> ignoredColumns) {
        endFile();
        this.file = fileName;
        this.layout = layout;
        this.columns = columns;
        this.duplicate = duplicate;
        this.fileRows = 0;
        this.fileSkipped = 0;
        this.fileBlank = 0;
        this.fileEncoded = 0;
        this.fileLabels = new TreeMap<>();
        this.missing = List.copyOf(missingFeatures);
        this.ignored = List.copyOf(ignoredColumns);
    }

    void endFile() {
        if (file != null) {
            files.add(new FileSummary(file, layout, columns, duplicate, fileRows, fileSkipped, fileBlank,
                    fileEncoded, Collections.unmodifiableMap(new LinkedHashMap<>(fileLabels)), missing, ignored));
            file = null;
        }
    }

    void row(String label, boolean encodedIds) {
        rowsRead++;
        fileRows++;
        if (encodedIds) {
            fileEncoded++;
        }
        String key = label == null ? "(none)" : label;
        labelCounts.merge(key, 1L, Long::sum);
        fileLabels.merge(key, 1L, Long::sum);
    }

    void skipped(String fileName, long line, String reason) {
        rowsSkipped++;
        fileSkipped++;
        if (skippedRows.size() < detailLimit) {
            skippedRows.add(new SkippedRow(fileName, line, reason));
        }
    }

    void blank() {
        blankLines++;
        fileBlank++;
    }

    /**
     * Adds the figures of a finished read (e.g. of another file) to this summary: totals, label
     * counts, per-file figures and skipped-row details (up to this summary's detail limit).
     */
    public void add(ReadSummary other) {
        endFile();
        rowsRead += other.rowsRead;
        rowsSkipped += other.rowsSkipped;
        blankLines += other.blankLines;
        other.labelCounts.forEach((k, v) -> labelCounts.merge(k, v, Long::sum));
        files.addAll(other.files());
        for (SkippedRow r : other.skippedRows) {
            if (skippedRows.size() >= detailLimit) {
                break;
            }
            skippedRows.add(r);
        }
    }

    /** Rows read (records handed out). */
    public long rowsRead() {
        return rowsRead;
    }

    /** Malformed rows skipped. */
    public long rowsSkipped() {
        return rowsSkipped;
    }

    /** Blank lines (and lines of commas only) passed over; not rows. */
    public long blankLines() {
        return blankLines;
    }

    /** Rows per label over all files, sorted by label; {@code "(none)"} for rows without a label. */
    public Map<String, Long> labelCounts() {
        return Collections.unmodifiableMap(labelCounts);
    }

    /** The first {@link #detailLimit()} skipped rows. */
    public List<SkippedRow> skippedRows() {
        return Collections.unmodifiableList(skippedRows);
    }

    /** Maximum number of skipped rows kept with details. */
    public int detailLimit() {
        return detailLimit;
    }

    /** Per-file figures of every finished file, in reading order (plus the current one). */
    public List<FileSummary> files() {
        List<FileSummary> out = new ArrayList<>(files);
        if (file != null) {
            out.add(new FileSummary(file, layout, columns, duplicate, fileRows, fileSkipped, fileBlank,
                    fileEncoded, Map.copyOf(fileLabels), missing, ignored));
        }
        return Collections.unmodifiableList(out);
    }

    /** A multi-line human-readable account: totals, per file, and the first skipped rows. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("read ").append(rowsRead).append(" rows, skipped ").append(rowsSkipped)
                .append(" malformed, ").append(blankLines).append(" blank lines; labels ")
                .append(labelCounts).append('\n');
        for (FileSummary f : files()) {
            b.append("  ").append(f.file()).append(" [").append(f.layout()).append(", ")
                    .append(f.columns()).append(" cols] rows=").append(f.rows()).append(" skipped=")
                    .append(f.skipped());
            if (f.blankLines() > 0) {
                b.append(" blank=").append(f.blankLines());
            }
            if (f.encodedIdRows() > 0) {
                b.append(" label-encoded-ids=").append(f.encodedIdRows());
            }
            if (!f.missingFeatures().isEmpty()) {
                b.append(" missing=").append(f.missingFeatures());
            }
            if (!f.ignoredColumns().isEmpty()) {
                b.append(" ignored=").append(f.ignoredColumns());
            }
            b.append(" labels=").append(f.labelCounts()).append('\n');
        }
        int shown = Math.min(skippedRows.size(), 20);
        for (int i = 0; i < shown; i++) {
            b.append("  skipped ").append(skippedRows.get(i)).append('\n');
        }
        if (rowsSkipped > shown) {
            b.append("  ... and ").append(rowsSkipped - shown).append(" more skipped rows\n");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "ReadSummary[rows=" + rowsRead + ", skipped=" + rowsSkipped + ", blank=" + blankLines
                + ", labels=" + labelCounts + "]";
    }
}
