package sif.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the in-JVM broker has handled, by request type (Produce, Fetch, EndTxn, ...), from its
 * {@code kafka.network:type=RequestMetrics,name=RequestsPerSec} meters in this JVM's MBean server.
 * Two snapshots give a phase's request rates, which show where the broker's CPU goes. Empty when
 * the broker runs in another process.
 */
final class BrokerRequests {

    /** Meters that count a subset of another type's requests (consumer and follower fetches are Fetch requests). */
    private static final Set<String> SUBSETS = Set.of("FetchConsumer", "FetchFollower");

    private BrokerRequests() {}

    /** Cumulative request counts by type (all API versions added up). */
    static Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName n : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                String type = n.getKeyProperty("request");
                if (type == null || SUBSETS.contains(type)) {
                    continue;
                }
                Object count = server.getAttribute(n, "Count");
                if (count instanceof Number c) {
                    out.merge(type, c.longValue(), Long::sum);
                }
            }
        } catch (Exception e) {
            return Map.of();
        }
        return out;
    }

    /** Requests per second by type between two snapshots {@code seconds} apart (types with none left out). */
    static Map<String, Double> rates(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((type, n) -> {
            long d = n - before.getOrDefault(type, 0L);
            if (d > 0) {
                out.put(type, BenchCommand.round(d / seconds, 1));
            }
        });
        return out;
    }
}
