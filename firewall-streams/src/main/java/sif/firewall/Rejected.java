package sif.firewall;

/**
 * A record bound to the dead-letter topic. The DLQ record's value is {@code rawValue}, the original
 * bytes as read from the input topic; why and where from travel as {@link DlqHeaders}.
 *
 * @param rawValue original value bytes (may be {@code null} for a tombstone)
 * @param reason   one of {@link DlqReason}
 * @param detail   what exactly was wrong
 * @param stage    the step that rejected it
 */
public record Rejected(byte[] rawValue, String reason, String detail, String stage) implements FirewallEvent {}
