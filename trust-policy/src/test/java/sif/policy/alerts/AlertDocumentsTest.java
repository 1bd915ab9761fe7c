package sif.policy.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import sif.policy.Decision;
import sif.trust.IdentityStatus;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertDocumentsTest {

    static final ObjectMapper M = new ObjectMapper();
    static final long T = 1_499_000_000_000L;
    static final Observer OBS = Observer.defaults("fw-1", "0.1.0");

    static AlertInput input(String flowId, long t, Decision d, String cls, double p, List<String> reasons) {
        return new AlertInput(flowId, "172.16.0.1", 51000, "192.168.10.50", 80, 6, null, cls, p, d, reasons,
                IdentityStatus.UNKNOWN, t, "lstm-1");
    }

    static Alert sample(Decision d, List<String> reasons) {
        return AlertAggregator.defaults().onVerdict(null, input("f1", T, d, "DDoS", 0.97, reasons)).state();
    }

    @Test
    void ecsDocumentMatchesEcsDefinitions() throws Exception {
        AlertDocuments docs = new AlertDocuments(AlertFormat.ECS, OBS);
        for (Decision d : List.of(Decision.BLOCK, Decision.ALERT)) {
            for (AlertActivity act : AlertActivity.values()) {
                String json = docs.toJson(sample(d, List.of("model:DDoS p=0.970>0.850=>" + d)), act, T + 5);
                assertEquals(List.of(), SchemaChecks.ecsProblems(json), json);
            }
        }
        JsonNode doc = M.readTree(docs.toJson(sample(Decision.BLOCK, List.of("deny:x=>BLOCK")), AlertActivity.CREATE, T));
        assertEquals("alert", doc.at("/event/kind").asText());
        assertEquals("intrusion_detection", doc.at("/event/category/0").asText());
        assertEquals("denied", doc.at("/event/type/0").asText());
        assertEquals("deny:x", doc.at("/rule/id").asText());
        assertEquals("tcp", doc.at("/network/transport").asText());
        assertEquals(AlertDocuments.ECS_VERSION, doc.at("/ecs/version").asText());
        assertEquals(1, doc.at("/sif/alert/count").asLong());
    }

    /**
     * An alert decided by the training-range rule has that rule's id, so that a SIEM can tell it from the
     * model's detections, and a risk of 50 (the model's confidence says nothing about such a flow); a BLOCK
     * the model made all the same keeps the model's rule and confidence.
     */
    @Test
    void outOfRangeAlertsHaveTheirOwnRuleIdAndRisk() throws Exception {
        AlertDocuments ecs = new AlertDocuments(AlertFormat.ECS, OBS);
        AlertDocuments ocsf = new AlertDocuments(AlertFormat.OCSF, OBS);
        Alert alerted = sample(Decision.ALERT, List.of("model:DDoS p=0.970>0.850=>BLOCK",
                "model-out-of-range:DDoS [SYN Flag Count]=>ALERT"));
        JsonNode doc = M.readTree(ecs.toJson(alerted, AlertActivity.CREATE, T));
        assertEquals("model-out-of-range:DDoS", doc.at("/rule/id").asText());
        assertEquals(50.0, doc.at("/event/risk_score").asDouble());
        assertEquals(List.of(), SchemaChecks.ecsProblems(ecs.toJson(alerted, AlertActivity.CREATE, T)));
        JsonNode o = M.readTree(ocsf.toJson(alerted, AlertActivity.CREATE, T));
        assertEquals("model-out-of-range:DDoS", o.at("/finding_info/analytic/name").asText());
        assertEquals("Rule", o.at("/finding_info/analytic/type").asText());
        assertEquals(List.of(), SchemaChecks.ocsfProblems(ocsf.toJson(alerted, AlertActivity.CREATE, T)));
        Alert blocked = sample(Decision.BLOCK, List.of("model:DDoS p=0.970>0.850=>BLOCK",
                "model-out-of-range:DDoS [SYN Flag Count]"));
        assertEquals(97.0, AlertDocuments.riskScore(blocked));
        JsonNode b = M.readTree(ocsf.toJson(blocked, AlertActivity.CREATE, T));
        assertEquals("model:DDoS", b.at("/finding_info/analytic/name").asText());
        assertEquals("Learning (ML/DL)", b.at("/finding_info/analytic/type").asText());
    }

    @Test
    void ecsValidatorCatchesMissingAndMistypedFields() throws Exception {
        String json = new AlertDocuments(AlertFormat.ECS, OBS)
                .toJson(sample(Decision.BLOCK, List.of("model:DDoS p=0.970>0.850=>BLOCK")), AlertActivity.CREATE, T);
        ObjectNode doc = (ObjectNode) M.readTree(json);
        ((ObjectNode) doc.get("event")).remove("kind");
        ((ObjectNode) doc.get("source")).put("port", "51000");
        ((ObjectNode) doc.get("event")).putArray("category").add("intrusion");
        ((ObjectNode) doc.get("destination")).put("ip", "not-an-ip");
        ((ObjectNode) doc.get("event")).put("start", "yesterday");
        doc.put("threat_level", "high");
        List<String> problems = SchemaChecks.ecsProblems(M.writeValueAsString(doc));
        assertTrue(problems.contains("missing event.kind"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("source.port (long)")), problems.toString());
        assertTrue(problems.contains("event.category: 'intrusion' is not an allowed value"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("destination.ip (ip)")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("event.start (date)")), problems.toString());
        assertTrue(problems.contains("not an ECS field (or not in the subset): threat_level"), problems.toString());
    }

    @Test
    void ocsfDocumentMatchesDetectionFindingRequirements() throws Exception {
        AlertDocuments docs = new AlertDocuments(AlertFormat.OCSF, OBS);
        for (Decision d : List.of(Decision.BLOCK, Decision.ALERT)) {
            for (AlertActivity act : AlertActivity.values()) {
                String json = docs.toJson(sample(d, List.of("model:DDoS p=0.970>0.850=>" + d)), act, T + 5);
                assertEquals(List.of(), SchemaChecks.ocsfProblems(json), json);
                JsonNode doc = M.readTree(json);
                assertEquals(2004, doc.get("class_uid").asInt());
                assertEquals(200400 + act.ocsfId(), doc.get("type_uid").asLong());
            }
        }
        JsonNode doc = M.readTree(docs.toJson(sample(Decision.BLOCK, List.of("model:DDoS p=0.970>0.850=>BLOCK")),
                AlertActivity.CREATE, T));
        assertEquals(97, doc.get("confidence_score").asInt());
        assertEquals(4, doc.get("severity_id").asInt());
        assertEquals(T, doc.get("time").asLong());
        assertEquals("SIF", doc.at("/metadata/product/name").asText());
        // the finding's creation time is the same in each of its documents; this document's time is modified_time
        Alert alert = sample(Decision.BLOCK, List.of("model:DDoS p=0.970>0.850=>BLOCK"));
        JsonNode create = M.readTree(docs.toJson(alert, AlertActivity.CREATE, T + 5));
        JsonNode update = M.readTree(docs.toJson(alert, AlertActivity.UPDATE, T + 30_005));
        assertEquals(create.at("/finding_info/created_time").asLong(), update.at("/finding_info/created_time").asLong());
        assertEquals(alert.firstSeenMs(), create.at("/finding_info/created_time").asLong());
        assertEquals(T + 30_005, update.at("/finding_info/modified_time").asLong());
    }

    @Test
    void ocsfValidatorCatchesMissingAndMistypedFields() throws Exception {
        String json = new AlertDocuments(AlertFormat.OCSF, OBS)
                .toJson(sample(Decision.BLOCK, List.of("model:DDoS p=0.970>0.850=>BLOCK")), AlertActivity.CREATE, T);
        ObjectNode doc = (ObjectNode) M.readTree(json);
        doc.remove("severity_id");
        doc.put("time", "2017-07-07T10:00:00Z");
        ((ObjectNode) doc.get("finding_info")).remove("uid");
        ((ObjectNode) doc.get("metadata")).put("version", 1.4);
        doc.put("type_uid", 200499);
        List<String> problems = SchemaChecks.ocsfProblems(M.writeValueAsString(doc));
        assertTrue(problems.contains("missing required severity_id"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("time: expected timestamp_t")), problems.toString());
        assertTrue(problems.contains("missing required finding_info.uid"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("metadata.version: expected string_t")),
                problems.toString());
        assertTrue(problems.contains("type_uid must be class_uid * 100 + activity_id"), problems.toString());
    }
}
