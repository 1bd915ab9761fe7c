package sif.model.artifact;

/** A model artifact is missing, malformed or does not match its recorded SHA-256. */
public class ModelArtifactException extends RuntimeException {
    public ModelArtifactException(String message) {
        super(message);
    }

    public ModelArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
