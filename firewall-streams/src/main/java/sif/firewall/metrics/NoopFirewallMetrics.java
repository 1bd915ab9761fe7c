package sif.firewall.metrics;

/** {@link FirewallMetrics} that records nothing. */
final class NoopFirewallMetrics implements FirewallMetrics {

    static final NoopFirewallMetrics INSTANCE = new NoopFirewallMetrics();

    private NoopFirewallMetrics() {
    }

    @Override
    public void flowIn() {
    }

    @Override
    public void verdict(String decision, String className, double confidence) {
    }

    @Override
    public void dlq(String reason) {
    }

    @Override
    public void inferenceBatch(int size, long nanos) {
    }

    @Override
    public void latency(long eventTimeMs, long ingestTimeMs, long nowMs) {
    }

    @Override
    public void identityStatus(String status) {
    }

    @Override
    public void challenge() {
    }

    @Override
    public void blocklistSize(long size) {
    }

    @Override
    public void blocklistSize(String owner, long size) {
    }

    @Override
    public void modelInfo(String version) {
    }

    @Override
    public MetricsSnapshot snapshot() {
        return MetricsSnapshot.EMPTY;
    }
}
