package sif.policy.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import sif.policy.CompiledPolicy;
import sif.policy.Decision;
import sif.policy.PolicyDecision;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders an aggregated {@link Alert} as one self-contained JSON document, in ECS or as an OCSF
 * Detection Finding. Field choices are documented in the module README; the test suite checks
 * every emitted field against the published ECS field definitions and the OCSF 2004 required
 * attributes (see {@code src/test/resources/schemas/SOURCE.md}).
 */
public final class AlertDocuments {

    /** ECS version the documents follow. */
    public static final String ECS_VERSION = "8.11.0";
    /** OCSF schema version the documents follow. */
    public static final String OCSF_VERSION = "1.4.0";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AlertFormat format;
    private final Observer observer;

    public AlertDocuments(AlertFormat format, Observer observer) {
        this.format = format;
        this.observer = observer;
    }

    public AlertFormat format() {
        return format;
    }

    /** The document as JSON text. */
    public String toJson(Alert alert, AlertActivity activity, long createdMs) {
        try {
            return MAPPER.writeValueAsString(toMap(alert, activity, createdMs));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render alert " + alert.alertId(), e);
        }
    }

    /** The document as nested maps (ordered). */
    public Map<String, Object> toMap(Alert alert, AlertActivity activity, long createdMs) {
        return format == AlertFormat.ECS ? ecs(alert, activity, createdMs) : ocsf(alert, activity, createdMs);
    }

    /** OCSF severity_id (also used as ECS event.severity): 4 High for BLOCK, 3 Medium for ALERT. */
    public static int severityId(Alert a) {
        return a.decision() == Decision.BLOCK ? 4 : 3;
    }

    /**
     * Risk 0..100: the model confidence for model decisions, fixed values for rule decisions (50 where the
     * training-range rule decided: the model's confidence says nothing about a flow unlike its training data).
     */
    public static double riskScore(Alert a) {
        String rule = PolicyDecision.ruleId(a.decidingRule());
        if (rule.startsWith(CompiledPolicy.OUT_OF_RANGE_RULE)) {
            return 50.0;
        }
        if (rule.startsWith("deny:")) {
            return 90.0;
        }
        if (rule.startsWith("segmentation:")) {
            return 80.0;
        }
        if (rule.startsWith("zero-trust:")) {
            return 60.0;
        }
        return Math.round(a.maxConfidence() * 1000.0) / 10.0;
    }

    private static String transport(int protocol) {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "ipv6-icmp";
            case 132 -> "sctp";
            default -> null;
        };
    }

    private static String iso(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    private static String title(Alert a) {
        String rule = PolicyDecision.ruleId(a.decidingRule());
        if (rule.startsWith("model:")) {
            return a.alertClass() + " traffic from " + a.srcIp();
        }
        return a.alertClass() + " traffic from " + a.srcIp() + " (" + rule + ")";
    }

    private static String message(Alert a) {
        return (a.decision() == Decision.BLOCK ? "Blocked " : "Alerted ") + a.count() + " " + a.alertClass()
                + " flow(s) from " + a.srcIp() + " between " + iso(a.firstSeenMs()) + " and " + iso(a.lastSeenMs())
                + "; deciding rule " + a.decidingRule();
    }

    private Map<String, Object> ecs(Alert a, AlertActivity activity, long createdMs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("@timestamp", iso(a.lastSeenMs()));
        doc.put("ecs", Map.of("version", ECS_VERSION));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", "alert");
        event.put("category", List.of("intrusion_detection"));
        event.put("type", List.of(a.decision() == Decision.BLOCK ? "denied" : "allowed"));
        event.put("action", a.decision() == Decision.BLOCK ? "blocked" : "detected");
        event.put("severity", severityId(a));
        event.put("risk_score", riskScore(a));
        event.put("id", a.alertId());
        event.put("sequence", (long) a.sequence());
        event.put("start", iso(a.firstSeenMs()));
        event.put("end", iso(a.lastSeenMs()));
        event.put("duration", (a.lastSeenMs() - a.firstSeenMs()) * 1_000_000L);
        event.put("created", iso(createdMs));
        event.put("reason", a.decidingRule());
        event.put("dataset", "sif.alerts");
        event.put("module", "sif");
        event.put("provider", "sif-firewall");
        doc.put("event", event);
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", PolicyDecision.ruleId(a.decidingRule()));
        rule.put("name", title(a));
        rule.put("category", a.alertClass());
        rule.put("description", String.join("; ", a.reasons()));
        rule.put("ruleset", "sif-policy");
        doc.put("rule", rule);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("ip", a.srcIp());
        source.put("port", (long) a.lastSrcPort());
        if (a.principal() != null) {
            source.put("user", Map.of("name", a.principal()));
        }
        doc.put("source", source);
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("ip", a.lastDstIp());
        destination.put("port", (long) a.lastDstPort());
        doc.put("destination", destination);
        Map<String, Object> network = new LinkedHashMap<>();
        String t = transport(a.protocol());
        if (t != null) {
            network.put("transport", t);
        }
        network.put("iana_number", Integer.toString(a.protocol()));
        doc.put("network", network);
        Map<String, Object> obs = new LinkedHashMap<>();
        obs.put("name", observer.name());
        obs.put("product", observer.product());
        obs.put("vendor", observer.vendor());
        obs.put("version", observer.version());
        obs.put("type", "firewall");
        doc.put("observer", obs);
        doc.put("message", message(a));
        doc.put("tags", List.of("sif", "activity:" + activity.caption().toLowerCase(java.util.Locale.ROOT)));
        doc.put("sif", Map.of("alert", sifDetails(a, activity)));
        return doc;
    }

    private static Map<String, Object> sifDetails(Alert a, AlertActivity activity) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activity", activity.name());
        m.put("count", a.count());
        m.put("first_seen", iso(a.firstSeenMs()));
        m.put("last_seen", iso(a.lastSeenMs()));
        m.put("decision", a.decision().name());
        m.put("predicted_class", a.alertClass());
        m.put("max_confidence", a.maxConfidence());
        m.put("identity_status", a.identityStatus().name());
        m.put("reasons", a.reasons());
        m.put("destinations", a.destinations());
        m.put("destination_ports", a.dstPorts());
        m.put("flow_ids", a.flowIds());
        if (a.modelVersion() != null) {
            m.put("model_version", a.modelVersion());
        }
        return m;
    }

    private Map<String, Object> ocsf(Alert a, AlertActivity activity, long createdMs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        int sev = severityId(a);
        doc.put("class_uid", 2004);
        doc.put("class_name", "Detection Finding");
        doc.put("category_uid", 2);
        doc.put("category_name", "Findings");
        doc.put("activity_id", activity.ocsfId());
        doc.put("activity_name", activity.caption());
        doc.put("type_uid", 200400L + activity.ocsfId());
        doc.put("type_name", "Detection Finding: " + activity.caption());
        doc.put("severity_id", sev);
        doc.put("severity", sev == 4 ? "High" : "Medium");
        doc.put("time", a.lastSeenMs());
        doc.put("start_time", a.firstSeenMs());
        doc.put("end_time", a.lastSeenMs());
        doc.put("duration", a.lastSeenMs() - a.firstSeenMs());
        doc.put("count", (int) Math.min(Integer.MAX_VALUE, a.count()));
        doc.put("message", message(a));
        doc.put("status_id", activity == AlertActivity.CLOSE ? 4 : 1);
        doc.put("status", activity == AlertActivity.CLOSE ? "Resolved" : "New");
        doc.put("is_alert", activity != AlertActivity.CLOSE);
        int confidence = (int) Math.round(riskScore(a));
        doc.put("confidence_score", confidence);
        doc.put("confidence_id", confidence >= 85 ? 3 : confidence >= 50 ? 2 : 1);
        doc.put("confidence", confidence >= 85 ? "High" : confidence >= 50 ? "Medium" : "Low");
        doc.put("action_id", a.decision() == Decision.BLOCK ? 2 : 1);
        doc.put("action", a.decision() == Decision.BLOCK ? "Denied" : "Allowed");
        doc.put("disposition_id", a.decision() == Decision.BLOCK ? 2 : 1);
        doc.put("disposition", a.decision() == Decision.BLOCK ? "Blocked" : "Allowed");
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("uid", a.alertId());
        info.put("title", title(a));
        info.put("desc", String.join("; ", a.reasons()));
        info.put("types", List.of(a.alertClass()));
        info.put("first_seen_time", a.firstSeenMs());
        info.put("last_seen_time", a.lastSeenMs());
        // the finding's own creation, the same in each of its documents (its first flow's time); this document's
        // time is modified_time (before, created_time changed with every document of the alert)
        info.put("created_time", a.firstSeenMs());
        info.put("modified_time", createdMs);
        info.put("related_events_count", (int) Math.min(Integer.MAX_VALUE, a.count()));
        String rule = PolicyDecision.ruleId(a.decidingRule());
        Map<String, Object> analytic = new LinkedHashMap<>();
        analytic.put("name", rule);
        analytic.put("type_id", rule.startsWith("model:") ? 4 : 1);
        analytic.put("type", rule.startsWith("model:") ? "Learning (ML/DL)" : "Rule");
        info.put("analytic", analytic);
        doc.put("finding_info", info);
        Map<String, Object> product = new LinkedHashMap<>();
        product.put("name", observer.product());
        product.put("vendor_name", observer.vendor());
        product.put("version", observer.version());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("version", OCSF_VERSION);
        metadata.put("product", product);
        metadata.put("uid", a.alertId() + "/" + a.sequence());
        metadata.put("log_name", "alerts");
        metadata.put("profiles", List.of("security_control"));
        doc.put("metadata", metadata);
        List<Map<String, Object>> evidences = new ArrayList<>();
        Map<String, Object> ev = new LinkedHashMap<>();
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("ip", a.srcIp());
        src.put("port", a.lastSrcPort());
        ev.put("src_endpoint", src);
        Map<String, Object> dst = new LinkedHashMap<>();
        dst.put("ip", a.lastDstIp());
        dst.put("port", a.lastDstPort());
        ev.put("dst_endpoint", dst);
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("protocol_num", a.protocol());
        String t = transport(a.protocol());
        if (t != null) {
            conn.put("protocol_name", t);
        }
        ev.put("connection_info", conn);
        if (a.principal() != null) {
            ev.put("actor", Map.of("user", Map.of("name", a.principal())));
        }
        evidences.add(ev);
        doc.put("evidences", evidences);
        doc.put("observables", List.of(Map.of("name", "src_endpoint.ip", "type_id", 2, "type", "IP Address",
                "value", a.srcIp())));
        doc.put("unmapped", Map.of("sif", sifDetails(a, activity)));
        return doc;
    }
}
