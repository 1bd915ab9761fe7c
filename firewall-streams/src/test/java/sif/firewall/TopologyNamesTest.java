package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Pins every node, store and branch name of the topology. Changelog topics and restored state are
 * tied to these names: a rename here is a breaking change for running deployments, so this test must
 * be updated deliberately, never to make it pass.
 */
class TopologyNamesTest {

    /** node -> "type [stores] -> successors", as in the topology's description. */
    static Map<String, String> nodes(TopologyDescription d) {
        Map<String, String> out = new TreeMap<>();
        for (TopologyDescription.Subtopology st : d.subtopologies()) {
            for (TopologyDescription.Node n : st.nodes()) {
                String type = n instanceof TopologyDescription.Source s ? "source" + s.topicSet()
                        : n instanceof TopologyDescription.Sink k ? "sink[" + k.topic() + "]"
                        : n instanceof TopologyDescription.Processor p ? "processor" + new TreeSet<>(p.stores())
                        : n.getClass().getSimpleName();
                TreeSet<String> next = new TreeSet<>();
                n.successors().forEach(s -> next.add(s.name()));
                out.put(n.name(), type + " -> " + next);
            }
        }
        return out;
    }

    @Test
    void everyNodeStoreAndBranchNameIsPinned() {
        var topology = FirewallTopology.buildTopology(FirewallConfig.defaults(), new RuleClassifier(),
                new ThresholdPolicy(0.85, "BENIGN"));
        TopologyDescription d = topology.describe();
        assertEquals(1, d.subtopologies().size(), d.toString());
        assertEquals(0, d.globalStores().size());

        Map<String, String> expected = new TreeMap<>();
        expected.put("flows-source", "source[flows] -> [validate]");
        expected.put("validate", "processor[] -> [validated-]");
        expected.put("validated-", "processor[] -> [validated-accepted, validated-miskeyed, validated-rejected]");
        expected.put("validated-rejected", "processor[] -> [dlq-merge-rekeyed]");
        expected.put("validated-accepted", "processor[] -> [accepted-flows]");
        expected.put("validated-miskeyed", "processor[] -> [miskeyed-raw]");
        expected.put("miskeyed-raw", "processor[] -> [flows-by-source-repartition-filter]");
        expected.put("flows-by-source-repartition-filter", "processor[] -> [flows-by-source-repartition-sink]");
        expected.put("flows-by-source-repartition-sink", "sink[flows-by-source-repartition] -> []");
        expected.put("flows-by-source-repartition-source", "source[flows-by-source-repartition] -> [validate-rekeyed]");
        expected.put("validate-rekeyed", "processor[] -> [rekeyed-]");
        expected.put("rekeyed-", "processor[] -> [rekeyed-accepted, rekeyed-rejected]");
        expected.put("rekeyed-accepted", "processor[] -> [rekeyed-flows]");
        expected.put("rekeyed-rejected", "processor[] -> [dlq-merge-rekeyed]");
        expected.put("rekeyed-flows", "processor[] -> [rekeyed-merge]");
        expected.put("accepted-flows", "processor[] -> [rekeyed-merge]");
        expected.put("rekeyed-merge", "processor[] -> [zero-trust]");
        expected.put("zero-trust", "processor[] -> [sequence-inference]");
        expected.put("sequence-inference", "processor[sif-pending, sif-sequences] -> [inference-]");
        expected.put("inference-", "processor[] -> [inference-rejected, inference-scored]");
        expected.put("inference-rejected", "processor[] -> [dlq-merge]");
        expected.put("inference-scored", "processor[] -> [scored-flows]");
        expected.put("scored-flows", "processor[] -> [policy]");
        expected.put("policy", "processor[] -> [policy-]");
        expected.put("policy-", "processor[] -> [policy-decided, policy-rejected]");
        expected.put("policy-decided", "processor[] -> [route-, verdicts]");
        expected.put("policy-rejected", "processor[] -> [dlq-merge-policy]");
        expected.put("verdicts", "processor[] -> []"); // the after-policy extensions read it (none here)
        expected.put("route-", "processor[] -> [route-alerts, route-allowed, route-blocked]");
        expected.put("route-allowed", "processor[] -> [allowed-sink]");
        expected.put("route-blocked", "processor[] -> [blocked-sink]");
        expected.put("route-alerts", "processor[] -> [alerts-sink]");
        expected.put("allowed-sink", "sink[flows.allowed] -> []");
        expected.put("blocked-sink", "sink[flows.blocked] -> []");
        expected.put("alerts-sink", "sink[flows.alerted] -> []");
        expected.put("dlq-merge-rekeyed", "processor[] -> [dlq-merge]");
        expected.put("dlq-merge", "processor[] -> [dlq-merge-policy]");
        expected.put("dlq-merge-policy", "processor[] -> [dlq-raw]");
        expected.put("dlq-raw", "processor[] -> [dlq-sink]");
        expected.put("dlq-sink", "sink[flows.dlq] -> []");
        assertEquals(expected, nodes(d), d.toString());
    }

    @Test
    void theStandardWiringKeepsEveryPinnedNameAndAddsOnlyExtensionNodes() {
        var classifier = new RuleClassifier();
        var metrics = sif.firewall.metrics.FirewallMetrics.noop();
        var wiring = FirewallWiring.standard(FirewallConfig.defaults(), classifier, metrics);
        Map<String, String> all = nodes(FirewallTopology.buildTopology(FirewallConfig.defaults(), classifier,
                wiring.policy(), wiring.extensions()).describe());
        Map<String, String> plain = nodes(FirewallTopology.buildTopology(FirewallConfig.defaults(), classifier,
                new ThresholdPolicy(0.85, "BENIGN")).describe());
        for (String name : plain.keySet()) {
            assertEquals(true, all.containsKey(name), "node " + name + " kept with zero trust on");
        }
        assertEquals("processor[] -> [sequence-inference]", all.get("zero-trust-flows"));
        assertEquals(true, all.get("zero-trust").startsWith("processor["), all.get("zero-trust"));
    }

    /** What the metrics pre-register (as zero) from the standard wiring's topology. */
    @Test
    void theFactsOfTheStandardTopologyNameItsControlTopicsOutputsAndAfterPolicySteps() {
        var classifier = new RuleClassifier();
        var wiring = FirewallWiring.standard(FirewallConfig.defaults(), classifier, sif.firewall.metrics.FirewallMetrics.noop());
        TopologyFacts f = TopologyFacts.of(FirewallTopology.buildTopology(FirewallConfig.defaults(), classifier,
                wiring.policy(), wiring.extensions()).describe(), FirewallConfig.defaults().inputTopic());
        assertEquals("[blocklist, identity, policy]", f.controlTopics().toString());
        assertEquals("[alerts, blocklist, flows.alerted, flows.allowed, flows.blocked, flows.dlq, identity.challenges]",
                f.outputTopics().toString());
        assertEquals("[alert-aggregation, alert-verdicts, blocklist, blocklist-commands, blocklist-merge, blocklist-verdicts]",
                f.afterPolicyNodes().toString());
    }

    @Test
    void topicNamesFollowTheConfig() {
        var config = FirewallConfig.of(Map.of(FirewallConfig.TOPIC_INPUT, "in", FirewallConfig.TOPIC_ALLOWED, "ok",
                FirewallConfig.TOPIC_BLOCKED, "no", FirewallConfig.TOPIC_ALERTED, "hmm", FirewallConfig.TOPIC_DLQ, "dead"));
        Map<String, String> n = nodes(FirewallTopology.buildTopology(config, new RuleClassifier(),
                new ThresholdPolicy(0.85, "BENIGN")).describe());
        assertEquals("source[in] -> [validate]", n.get("flows-source"));
        assertEquals("sink[ok] -> []", n.get("allowed-sink"));
        assertEquals("sink[no] -> []", n.get("blocked-sink"));
        assertEquals("sink[hmm] -> []", n.get("alerts-sink"));
        assertEquals("sink[dead] -> []", n.get("dlq-sink"));
    }
}
