package sif.firewall;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.TimestampExtractor;
import sif.schemas.avro.Verdict;

/**
 * A slot after the policy node: receives every verdict (ALLOW, BLOCK, ALERT) before the routing
 * {@code split()}, e.g. for SIEM alert documents and the blocklist (the trust module). It adds its
 * own, explicitly named nodes and sinks to {@code builder}; it does not change what is routed to
 * allowed / blocked / alerts.
 */
@FunctionalInterface
public interface AfterPolicy {

    /** Adds nothing. */
    AfterPolicy NONE = (builder, verdicts, config, stamps) -> { };

    /**
     * @param stamps the timestamp extractor for a topic it reads in the flows' tasks (such as the
     *               blocklist topic's operator unblocks), so that no record moves their stream time far ahead
     *               ({@link FutureStampGuard#forControlTopic()})
     */
    void apply(StreamsBuilder builder, KStream<String, Verdict> verdicts, FirewallConfig config,
               TimestampExtractor stamps);
}
