package sif.model.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code metadata.json} of a model artifact: everything needed to rebuild the exact input
 * pipeline (feature order, scaler, T, calibration) and to trace the model back to its data.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("created") String created,
        @JsonProperty("class_mapping") String classMapping,
        @JsonProperty("class_names") List<String> classNames,
        @JsonProperty("raw_features") List<String> rawFeatures,
        @JsonProperty("input_features") List<String> inputFeatures,
        @JsonProperty("scaler") Scaler scaler,
        @JsonProperty("sequence_length") int sequenceLength,
        @JsonProperty("padding") String padding,
        @JsonProperty("temperature") double temperature,
        @JsonProperty("decision_threshold") double decisionThreshold,
        @JsonProperty("network") String network,
        @JsonProperty("weights") Weights weights,
        @JsonProperty("data") Data data,
        @JsonProperty("training") Training training) {

    public static final int FORMAT_VERSION = 1;

    /** Scaler parameters, one value per input feature, in input order. */
    public record Scaler(
            @JsonProperty("method") String method,
            @JsonProperty("pos_inf_replacement") double[] posInf,
            @JsonProperty("neg_inf_replacement") double[] negInf,
            @JsonProperty("mean") double[] mean,
            @JsonProperty("std") double[] std) {}

    /** The weights file, relative to the artifact directory, and its SHA-256 (hex). */
    public record Weights(
            @JsonProperty("file") String file,
            @JsonProperty("format") String format,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("bytes") long bytes) {}

    /**
     * Input data: files relative to the data root, with digests, and the combined digest. {@code lab}
     * is set only for a model trained on CICIDS2017 + a lab corpus ({@code sif cross-eval}); those two
     * files are then among {@code files} too.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Data(
            @JsonProperty("root_hint") String rootHint,
            @JsonProperty("files") List<DataFile> files,
            @JsonProperty("digest_sha256") String digest,
            @JsonProperty("rows_per_class") Map<String, Long> rowsPerClass,
            @JsonProperty("lab") LabData lab) {

        public Data(String rootHint, List<DataFile> files, String digest, Map<String, Long> rowsPerClass) {
            this(rootHint, files, digest, rowsPerClass, null);
        }
    }

    /** A lab corpus in the training data: its flows CSV and its phase labels, paths as in {@code files}. */
    public record LabData(
            @JsonProperty("flows") String flows,
            @JsonProperty("labels") String labels,
            @JsonProperty("source_namespace") String sourceNamespace) {}

    public record DataFile(
            @JsonProperty("path") String path,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("rows") long rows) {}

    /** How the shipped weights were trained, enough to rebuild the split deterministically. */
    public record Training(
            @JsonProperty("protocol") String protocol,
            @JsonProperty("seed") long seed,
            @JsonProperty("test_fraction") double testFraction,
            @JsonProperty("val_fraction") double valFraction,
            @JsonProperty("temporal_unit") String temporalUnit,
            @JsonProperty("cap_per_class") int capPerClass,
            @JsonProperty("max_rows_per_class") int maxRowsPerClass,
            @JsonProperty("max_epochs") int maxEpochs,
            @JsonProperty("patience") int patience,
            @JsonProperty("batch_size") int batchSize,
            @JsonProperty("learning_rate") double learningRate,
            @JsonProperty("best_epoch") int bestEpoch,
            @JsonProperty("epochs_run") int epochsRun,
            @JsonProperty("train_seconds") double trainSeconds,
            @JsonProperty("train_sequences") int trainSequences,
            @JsonProperty("val_sequences") int valSequences,
            @JsonProperty("test_sequences") int testSequences) {}
}
