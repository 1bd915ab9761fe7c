package sif.firewall;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;

/**
 * What a built firewall topology reads and writes, from its description: the topics of control
 * records (every source topic but the flows' and the repartition topic), the topics it writes (its
 * sinks but the repartition topic), and the processors
 * after the policy (downstream of the {@code verdicts} node: alert documents, blocklist,
 * extensions). The metrics register their per-topic and per-node failure series from these.
 */
record TopologyFacts(SortedSet<String> controlTopics, SortedSet<String> outputTopics,
                     SortedSet<String> afterPolicyNodes) {

    /** The node the after-policy extensions hang from ({@link FirewallTopology}). */
    static final String VERDICTS_NODE = "verdicts";

    static TopologyFacts of(TopologyDescription description, String flowTopic) {
        SortedSet<String> control = new TreeSet<>();
        SortedSet<String> outputs = new TreeSet<>();
        SortedSet<String> afterPolicy = new TreeSet<>();
        for (TopologyDescription.GlobalStore g : description.globalStores()) {
            control.addAll(g.source().topicSet());
        }
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    control.addAll(source.topicSet());
                } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    outputs.add(sink.topic());
                } else if (node.name().equals(VERDICTS_NODE)) {
                    downstream(node, afterPolicy);
                }
            }
        }
        control.remove(flowTopic);
        // the repartition topic is the firewall's own (its name gets the application id in front)
        control.remove(FirewallTopology.REKEY_REPARTITION_TOPIC);
        outputs.remove(FirewallTopology.REKEY_REPARTITION_TOPIC);
        return new TopologyFacts(control, outputs, afterPolicy);
    }

    /** The processors reachable from {@code from} (not itself, not sinks). */
    private static void downstream(TopologyDescription.Node from, Set<String> into) {
        Deque<TopologyDescription.Node> todo = new ArrayDeque<>(from.successors());
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            TopologyDescription.Node n = todo.poll();
            if (!seen.add(n.name())) {
                continue;
            }
            if (n instanceof TopologyDescription.Processor) {
                into.add(n.name());
            }
            todo.addAll(n.successors());
        }
    }
}
