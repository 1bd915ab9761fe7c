package sif.policy.alerts;

/** Lifecycle of an aggregated alert document; the numbers are OCSF Finding activity_id values. */
public enum AlertActivity {
    CREATE(1, "Create"), UPDATE(2, "Update"), CLOSE(3, "Close");

    private final int ocsfId;
    private final String caption;

    AlertActivity(int ocsfId, String caption) {
        this.ocsfId = ocsfId;
        this.caption = caption;
    }

    public int ocsfId() {
        return ocsfId;
    }

    public String caption() {
        return caption;
    }
}
