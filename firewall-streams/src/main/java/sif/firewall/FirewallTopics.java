package sif.firewall;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import sif.schemas.avro.NetworkFlow;
import sif.schemas.avro.Verdict;
import sif.schemas.serde.AvroSerdes;

/**
 * The firewall's topics with their serdes, in one immutable holder. Keys are source IPs (UTF-8).
 * Input values are read as bytes and decoded by the validate step (so undecodable values reach the
 * dead-letter topic with their original bytes); output values are Avro {@link Verdict}s; DLQ values
 * are the original bytes.
 */
public record FirewallTopics(
        String input,
        String allowed,
        String blocked,
        String alerts,
        String dlq,
        Serde<String> keySerde,
        Serde<NetworkFlow> flowSerde,
        Serde<Verdict> verdictSerde,
        Serde<byte[]> rawSerde) {

    public static FirewallTopics from(FirewallConfig config) {
        var serdeConfig = config.serdeConfig();
        return new FirewallTopics(config.inputTopic(), config.allowedTopic(), config.blockedTopic(),
                config.alertedTopic(), config.dlqTopic(), Serdes.String(),
                AvroSerdes.serde(NetworkFlow.class, serdeConfig, false),
                AvroSerdes.serde(Verdict.class, serdeConfig, false),
                Serdes.ByteArray());
    }
}
