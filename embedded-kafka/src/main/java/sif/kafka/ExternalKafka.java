package sif.kafka;

import java.util.Map;
import java.util.Optional;

/**
 * A Kafka cluster that SIF did not start and does not stop: an address plus the client settings its
 * clients need (security protocol, SASL, TLS). Topics are created with the cluster's default
 * replication factor, not 1 — a cluster whose {@code min.insync.replicas} is 2 would refuse
 * transactional writes to a topic with one replica. {@link #close()} does nothing.
 */
public final class ExternalKafka implements KafkaBroker {

    private final String bootstrapServers;
    private final Map<String, String> clientSettings;

    /**
     * @param bootstrapServers {@code host:port[,host:port...]}
     * @param clientSettings   settings every client of this cluster needs besides {@code bootstrap.servers}
     *                         (e.g. {@code security.protocol}, {@code sasl.*}, {@code ssl.*}); may be empty
     */
    public ExternalKafka(String bootstrapServers, Map<String, String> clientSettings) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must be given as host:port[,host:port...]");
        }
        this.bootstrapServers = bootstrapServers.strip();
        this.clientSettings = Map.copyOf(clientSettings);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public Map<String, String> clientSettings() {
        return clientSettings;
    }

    @Override
    public Optional<Short> replicationFactor() {
        return Optional.empty();
    }

    /** Leaves the cluster running: SIF did not start it. */
    @Override
    public void close() {
        // nothing to stop
    }
}
