package sif.producer;

/** A replay that cannot start or go on: unreachable broker, missing topic, unreadable input. */
public class ReplayException extends Exception {

    public ReplayException(String message) {
        super(message);
    }

    public ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
