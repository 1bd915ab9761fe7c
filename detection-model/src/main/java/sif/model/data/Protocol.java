package sif.model.data;

/** The two evaluation protocols, both always reported. */
public enum Protocol {
    /** The paper's stratified random 80/20 per flow (sequences leak across the split). */
    RANDOM_SPLIT("random_split"),
    /** Leakage-free temporal split per source (the figures users should believe). */
    TEMPORAL_SPLIT("temporal_split");

    private final String key;

    Protocol(String key) {
        this.key = key;
    }

    /** Name used in metrics.json and the report. */
    public String key() {
        return key;
    }
}
