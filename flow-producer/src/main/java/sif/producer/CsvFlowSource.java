package sif.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.FlowCsvReader;
import sif.flows.FlowRecord;
import sif.flows.ReadSummary;

/**
 * CICIDS2017 CSV files (or directories of them) as a {@link FlowSource}, in event-time order: a
 * stable sort of all rows by timestamp, the given file order (then line order) breaking ties.
 *
 * <p>Memory: a first streaming pass records each file's time range and row count. Files are then
 * grouped: files whose time ranges overlap (or touch) form one group; only one group is held in
 * memory at a time, sorted, and sent before the next group is read. CICIDS2017's files each cover a
 * separate part of a day, so the memory needed is that of the largest file (the largest original,
 * Wednesday, ~692k rows, needs ~0.8 GB of heap); files that overlap in time are held together.
 * The result equals a global stable sort by timestamp in all cases.
 *
 * <p>Rows without a timestamp (-1: MachineLearningCVE, label-encoded files) sort first, in file
 * order. Malformed rows are skipped by the reader and reported through {@link #lastReadSummary()}.
 */
public final class CsvFlowSource implements FlowSource {

    private static final Logger LOG = LoggerFactory.getLogger(CsvFlowSource.class);

    private final List<Path> inputs;
    private final List<Path> files;
    private final FlowCsvReader.Options options;
    private List<List<Integer>> groups;
    private long rows = -1;
    private ReadSummary lastSummary;

    /**
     * @param inputs  files or directories (a directory: its {@code *.csv}, sorted by name; with
     *                {@code options.includeSubdirs()} also its subdirectories')
     * @throws IOException when an input does not exist, is unreadable or a directory holds no CSV
     */
    public CsvFlowSource(List<Path> inputs, FlowCsvReader.Options options) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input files or directories given");
        }
        this.inputs = List.copyOf(inputs);
        this.options = options;
        List<Path> all = new ArrayList<>();
        for (Path p : inputs) {
            all.addAll(FlowCsvReader.csvFiles(p, options.includeSubdirs()));
        }
        this.files = List.copyOf(all);
    }

    /** The CSV files, in the given order. */
    public List<Path> files() {
        return files;
    }

    /**
     * Reads every file once (streaming) for its time range and row count and groups files whose
     * ranges overlap. Done by the first {@link #open()} if not called before.
     */
    public synchronized void scan() throws IOException {
        if (groups != null) {
            return;
        }
        int n = files.size();
        long[] min = new long[n];
        long[] max = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            try (FlowCsvReader.FlowIterator it = FlowCsvReader.iterate(files.get(i), options)) {
                while (it.hasNextChecked()) {
                    long t = it.next().timestampMs();
                    lo = Math.min(lo, t);
                    hi = Math.max(hi, t);
                }
                total += it.summary().rowsRead();
            }
            min[i] = lo == Long.MAX_VALUE ? -1 : lo;
            max[i] = hi == Long.MIN_VALUE ? -1 : hi;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingLong(i -> min[i]).thenComparingInt(i -> i));
        List<List<Integer>> result = new ArrayList<>();
        List<Integer> current = null;
        long currentMax = Long.MIN_VALUE;
        for (int i : order) {
            if (current != null && min[i] <= currentMax) {
                current.add(i);
                currentMax = Math.max(currentMax, max[i]);
            } else {
                current = new ArrayList<>();
                current.add(i);
                result.add(current);
                currentMax = max[i];
            }
        }
        for (List<Integer> g : result) {
            g.sort(Comparator.naturalOrder()); // given file order inside a group breaks ties
            if (g.size() > 1) {
                LOG.info("files overlapping in time, merged in memory: {}", g.stream().map(files::get).toList());
            }
        }
        this.groups = result;
        this.rows = total;
    }

    @Override
    public long flowsPerPass() {
        return rows;
    }

    @Override
    public synchronized ReadSummary lastReadSummary() {
        return lastSummary;
    }

    @Override
    public String describe() {
        return files.size() + " CSV file(s) from " + inputs;
    }

    @Override
    public Pass open() throws IOException {
        scan();
        return new SortedPass();
    }

    private final class SortedPass implements Pass {
        private final ReadSummary summary = new ReadSummary(options.skippedDetailLimit());
        private int group;
        private Iterator<FlowRecord> current = java.util.Collections.emptyIterator();

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                if (group >= groups.size()) {
                    synchronized (CsvFlowSource.this) {
                        lastSummary = summary;
                    }
                    return false;
                }
                current = java.util.Collections.emptyIterator(); // the last group's rows can go while the next loads
                current = load(groups.get(group++)).iterator();
                synchronized (CsvFlowSource.this) {
                    lastSummary = summary; // what was read so far: a pass ended early (--limit, stop) reports it too
                }
            }
            return true;
        }

        @Override
        public FlowRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }

        private List<FlowRecord> load(List<Integer> fileIndexes) {
            List<FlowRecord> rows = new ArrayList<>();
            for (int i : fileIndexes) {
                try {
                    // the scan logged this file's skipped rows already; the summary counts them again
                    summary.add(FlowCsvReader.read(files.get(i), options.withLogSkipped(false), rows::add));
                } catch (IOException e) {
                    throw new UncheckedIOException("reading " + files.get(i) + " failed: " + e.getMessage(), e);
                }
            }
            rows.sort(Comparator.comparingLong(FlowRecord::timestampMs)); // stable: file, then line order
            return rows;
        }

        @Override
        public void close() {
            current = java.util.Collections.emptyIterator();
        }
    }
}
