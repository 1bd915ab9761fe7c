package sif.flows;

import java.io.IOException;

/** A file that cannot be read as a CICFlowMeter CSV at all (empty, unknown header, UTF-16...). */
public class FlowCsvFormatException extends IOException {

    public FlowCsvFormatException(String message) {
        super(message);
    }
}
