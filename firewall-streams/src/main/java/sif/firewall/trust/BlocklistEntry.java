package sif.firewall.trust;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Value of the compacted {@code blocklist} topic (JSON), keyed by source address. A tombstone
 * (null value) means unblocked. Times are flow event times, epoch ms. The JSON has exactly the fields
 * {@code source, blockedUntilMs, firstBlockedMs, lastBlockedMs, reason, verdictIds, count} (pinned by
 * {@code TrustOutputsTest}: enforcement points parse them).
 *
 * @param source         blocked source address
 * @param blockedUntilMs block expires at this time
 * @param firstBlockedMs first BLOCK verdict of this block
 * @param lastBlockedMs  latest BLOCK verdict
 * @param reason         deciding rule of the latest BLOCK verdict
 * @param verdictIds     flow ids of the latest BLOCK verdicts (at most {@link BlocklistProcessor#MAX_VERDICT_IDS})
 * @param count          BLOCK verdicts while blocked
 * @param emittedUntilMs blockedUntil at the last emission (internal: limits re-emissions)
 */
public record BlocklistEntry(String source, long blockedUntilMs, long firstBlockedMs, long lastBlockedMs,
                             String reason, List<String> verdictIds, long count,
                             // kept in the store (and read from its JSON of old), not published
                             @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) long emittedUntilMs) {
    public BlocklistEntry {
        verdictIds = verdictIds == null ? List.of() : List.copyOf(verdictIds);
    }
}
