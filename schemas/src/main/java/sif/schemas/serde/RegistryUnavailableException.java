package sif.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry could not be asked (connection refused, timeout, or a 5xx / 429 answer): the
 * record itself may be fine, and the same call can succeed once the registry is back. A
 * {@link SerializationException}, as the serde's contract says, but one that a caller must not treat
 * as bad data (e.g. dead-letter the record): an unknown schema id or a schema the registry refuses
 * (4xx) is a plain {@code SerializationException}.
 */
public final class RegistryUnavailableException extends SerializationException {

    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code t} or one of its causes is a {@code RegistryUnavailableException}. */
    public static boolean in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
