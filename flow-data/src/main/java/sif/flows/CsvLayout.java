package sif.flows;

/** The column layouts of CICFlowMeter CSVs that {@link FlowCsvReader} recognises. */
public enum CsvLayout {
    /**
     * Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, the
     * features, Label: CICIDS2017 TrafficLabelling / GeneratedLabelledFlows (85 columns, or 84
     * without the duplicate {@code Fwd Header Length}) and CICFlowMeter V4 / Engelen outputs.
     */
    TRAFFIC_LABELLING,
    /** CICIDS2017 MachineLearningCVE: Destination Port, 77 features, Label (79 columns). */
    MACHINE_LEARNING_CVE
}
