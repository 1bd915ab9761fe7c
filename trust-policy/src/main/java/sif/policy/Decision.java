package sif.policy;

/** Firewall decision; names equal the symbols of {@code sif.schemas.avro.Decision}. */
public enum Decision {
    ALLOW, BLOCK, ALERT
}
