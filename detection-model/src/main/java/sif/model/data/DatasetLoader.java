package sif.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sif.flows.ClassMapping;
import sif.flows.DataPaths;
import sif.flows.FlowCsvReader;
import sif.flows.FlowRecord;
import sif.flows.Labels;
import sif.flows.ReadSummary;
import sif.flows.ReservoirSampler;
import sif.model.artifact.ModelArtifact;

/**
 * Reads CICIDS2017 CSVs (files or directories, each directory's own {@code *.csv} only) into a
 * {@link FlowTable}, with per-file SHA-256 digests. With {@code maxRowsPerClass} the rows pass
 * through a per-class reservoir sampler while streaming (bounded memory on the full dataset);
 * sequences are then built over the sampled flows only (sparser history: a documented trade-off).
 */
public final class DatasetLoader {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);

    /** One input file as used. */
    public record InputFile(Path path, String displayPath, String sha256, long rows, long skipped) {}

    /** The loaded table plus where it came from. */
    public record Loaded(FlowTable table, List<InputFile> files, String digest, long rowsRead, long rowsSkipped,
                         List<String> readerNotes) {}

    private DatasetLoader() {}

    public static Loaded load(List<Path> inputs, ClassMapping mapping, int maxRowsPerClass, long seed) throws IOException {
        FlowTable.Builder builder = new FlowTable.Builder(mapping);
        Read r = readInto(inputs, mapping, maxRowsPerClass, seed, builder);
        FlowTable table = builder.build();
        return new Loaded(table, r.files(), digest(r.files()), r.rowsRead(), r.rowsSkipped(), r.notes());
    }

    /** What {@link #readInto} read. */
    public record Read(List<InputFile> files, long rowsRead, long rowsSkipped, List<String> notes) {}

    /**
     * Reads CICIDS2017 CSVs into {@code builder} (which may already hold, or later receive, flows of
     * other datasets), reservoir-sampling per class when {@code maxRowsPerClass > 0}.
     */
    public static Read readInto(List<Path> inputs, ClassMapping mapping, int maxRowsPerClass, long seed,
                                FlowTable.Builder builder) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input data given");
        }
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            files.addAll(FlowCsvReader.csvFiles(in, false));
        }
        // a flow knows its file by name (file order breaks event-time ties; rows without IPs are one
        // source per file; the digest lists names): two inputs of one name would be mixed up
        Map<Path, Path> byName = new HashMap<>();
        List<Path> distinct = new ArrayList<>();
        for (Path f : files) {
            Path other = byName.putIfAbsent(f.getFileName(), f);
            if (other == null) {
                distinct.add(f);
            } else if (!other.toAbsolutePath().normalize().equals(f.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("two input files share the name " + f.getFileName() + " (" + other
                        + " and " + f + "); rename one: flows are told apart by file name");
            } // the same file named twice (a folder and a file in it) is read once
        }
        files = distinct;
        ReservoirSampler<FlowRecord> sampler = maxRowsPerClass > 0
                ? new ReservoirSampler<>(mapping.size(), maxRowsPerClass, seed) : null;
        List<InputFile> used = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long read = 0;
        long skipped = 0;
        for (Path f : files) {
            // a row the reader took whose label no class maps (missing, or not a CICIDS2017 label):
            // skipped and reported like a malformed row, not the end of the whole run
            List<String> unlabelled = new ArrayList<>();
            long[] unlabelledCount = {0};
            ReadSummary s = FlowCsvReader.read(f, r -> {
                if (!Labels.isKnown(r.label())) {
                    if (unlabelledCount[0]++ < ReadSummary.DEFAULT_DETAIL_LIMIT) {
                        unlabelled.add(r.sourceFile() + ":" + r.line() + ": " + (r.label() == null ? "no label"
                                : "unknown CICIDS2017 label '" + r.label() + "'"));
                    }
                    return;
                }
                if (sampler != null) {
                    sampler.offer(mapping.classOf(r.label()), r);
                } else {
                    builder.add(r);
                }
            });
            long fileRead = s.rowsRead() - unlabelledCount[0];
            long fileSkipped = s.rowsSkipped() + unlabelledCount[0];
            read += fileRead;
            skipped += fileSkipped;
            if (s.rowsSkipped() > 0) {
                notes.add(s.describe());
            }
            if (unlabelledCount[0] > 0) {
                notes.add(unlabelledCount[0] + " row(s) of " + f.getFileName() + " skipped for their label (known labels: "
                        + Labels.ALL + "): " + String.join("; ", unlabelled)
                        + (unlabelledCount[0] > unlabelled.size() ? "; ..." : ""));
                LOG.warn("{}: {} row(s) skipped for a missing or unknown label, e.g. {}", f, unlabelledCount[0],
                        unlabelled.get(0));
            }
            used.add(new InputFile(f, display(f), ModelArtifact.sha256(f), fileRead, fileSkipped));
            LOG.info("read {} rows ({} skipped) from {}", fileRead, fileSkipped, f);
        }
        if (sampler != null) {
            for (ReservoirSampler.Sampled<FlowRecord> s : sampler.sample()) {
                builder.add(s.item());
            }
        }
        return new Read(List.copyOf(used), read, skipped, List.copyOf(notes));
    }

    /** Path relative to the data root when below it, else absolute. */
    public static String display(Path f) {
        Path abs = f.toAbsolutePath().normalize();
        Path root = DataPaths.root();
        return abs.startsWith(root) ? root.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }

    /** SHA-256 over the lines "sha256  name" of the inputs sorted by name (a dataset digest). */
    public static String digest(List<InputFile> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            files.stream().map(f -> f.sha256() + "  " + f.path().getFileName() + "\n").sorted()
                    .forEach(l -> md.update(l.getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows per class name of a table. */
    public static Map<String, Long> rowsPerClass(FlowTable t) {
        return t.countsPerClass();
    }
}
