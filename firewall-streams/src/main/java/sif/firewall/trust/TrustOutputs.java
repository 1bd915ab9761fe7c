package sif.firewall.trust;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TimestampExtractor;
import sif.firewall.metrics.FirewallMetrics;
import sif.policy.alerts.AlertAggregator;
import sif.policy.alerts.AlertDocuments;
import sif.policy.alerts.Observer;
import sif.schemas.avro.Verdict;

/**
 * Wires the alert documents and the blocklist after the policy. Call with the stream of ALL verdicts
 * (allowed, blocked, alerted: every verdict advances the event-time clock that closes alerts and
 * expires blocks) from {@code buildTopology}.
 *
 * <p>Nodes: {@value #ALERT_FILTER} → {@value #ALERTS} (store
 * {@value AlertAggregationProcessor#STORE}) → {@value #ALERTS_SINK};
 * {@value #BLOCK_FILTER} → {@value #BLOCK_COMMANDS} → {@value #BLOCK_MERGE} → {@value #BLOCKLIST}
 * (store {@value BlocklistProcessor#STORE}) → {@value #BLOCKLIST_SINK}; when operator unblock is on,
 * also {@value #BLOCKLIST_SOURCE} → {@value #UNBLOCK_FILTER} → {@value #UNBLOCK_COMMANDS} →
 * {@value #BLOCK_MERGE}. The blocklist topic must then have as many partitions as the flow topic
 * (the source feeds the same tasks).
 */
public final class TrustOutputs {

    public static final String ALERT_FILTER = "alert-verdicts";
    public static final String ALERTS = "alert-aggregation";
    public static final String ALERTS_SINK = "alert-documents-sink";
    public static final String BLOCK_FILTER = "blocklist-verdicts";
    public static final String BLOCK_COMMANDS = "blocklist-commands";
    public static final String BLOCKLIST_SOURCE = "blocklist-source";
    public static final String UNBLOCK_FILTER = "blocklist-tombstones";
    public static final String UNBLOCK_COMMANDS = "blocklist-unblock-commands";
    public static final String BLOCK_MERGE = "blocklist-merge";
    public static final String BLOCKLIST = "blocklist";
    public static final String BLOCKLIST_SINK = "blocklist-sink";

    private TrustOutputs() {
    }

    /**
     * The warning for a blocklist topic whose partition count differs from the flow topic's while operator
     * unblock is on, or null. A firewall writes a source's entry to blocklist partition {@code hash(source)
     * mod blocklistPartitions} and keeps it in the task of flow partition {@code hash(source) mod
     * flowPartitions}; an operator's tombstone lands in the first and is read by that partition's task,
     * which does not hold the entry unless the two counts are equal: the unblock is lost.
     */
    public static String blocklistPartitionProblem(String flowTopic, int flowPartitions, String blocklistTopic,
                                                   int blocklistPartitions) {
        if (flowPartitions == blocklistPartitions) {
            return null;
        }
        return "blocklist topic '" + blocklistTopic + "' has " + blocklistPartitions + " partition(s) and flow topic '"
                + flowTopic + "' " + flowPartitions + ": an operator's unblock (a tombstone on the blocklist topic) "
                + "reaches the task that holds the source's entry only when the counts are equal, so most unblocks "
                + "would be lost. Give the blocklist topic " + flowPartitions + " partitions (kafka-topics.sh "
                + "--alter --topic " + blocklistTopic + " --partitions " + flowPartitions + ", when it has fewer), "
                + "or set " + TrustConfig.BLOCKLIST_OPERATOR_UNBLOCK + "=false";
    }

    /**
     * @param observerVersion product version for the alert documents (e.g. the model or build version)
     * @param stamps          the timestamp extractor for the blocklist topic's operator unblocks
     */
    public static void addTo(StreamsBuilder builder, KStream<String, Verdict> verdicts, TrustConfig config,
                             FirewallMetrics metrics, String observerVersion, TimestampExtractor stamps) {
        AlertAggregator aggregator = new AlertAggregator(config.alertWindow().toMillis(),
                config.alertUpdateInterval().toMillis());
        AlertDocuments documents = new AlertDocuments(config.alertFormat(),
                Observer.defaults(config.observerName(), observerVersion));
        // all verdicts go to both processors: ALLOW/suppressed ones only advance their event-time clock
        verdicts.filter((k, v) -> v != null, Named.as(ALERT_FILTER))
                .process(AlertAggregationProcessor.supplier(aggregator, documents, config.alertUpdateInterval(),
                        config.scanMaxEntries()), Named.as(ALERTS))
                .to(config.alertsTopic(), Produced.with(Serdes.String(), Serdes.String()).withName(ALERTS_SINK));

        KStream<String, BlockCommand> blocks = verdicts
                .filter((k, v) -> v != null && v.getSrcIp() != null, Named.as(BLOCK_FILTER))
                .mapValues(BlockCommand::of, Named.as(BLOCK_COMMANDS));
        if (config.blocklistOperatorUnblock()) {
            KStream<String, BlockCommand> unblocks = builder
                    .stream(config.blocklistTopic(), Consumed.with(Serdes.String(), Serdes.String())
                            .withTimestampExtractor(stamps).withName(BLOCKLIST_SOURCE))
                    .filter((k, v) -> k != null && v == null, Named.as(UNBLOCK_FILTER))
                    .mapValues((k, v) -> BlockCommand.unblock(k), Named.as(UNBLOCK_COMMANDS));
            blocks = blocks.merge(unblocks, Named.as(BLOCK_MERGE));
        }
        blocks.process(BlocklistProcessor.supplier(config.blocklistTtl(), config.blocklistExpireInterval(),
                        config.scanMaxEntries(), metrics), Named.as(BLOCKLIST))
                .to(config.blocklistTopic(), Produced.with(Serdes.String(), Serdes.String()).withName(BLOCKLIST_SINK));
    }
}
