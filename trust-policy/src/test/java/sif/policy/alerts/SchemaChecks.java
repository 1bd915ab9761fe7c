package sif.policy.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import sif.trust.IpAddress;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test-side validators driven by the schema excerpts in src/test/resources/schemas. */
final class SchemaChecks {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Fields every SIF ECS alert must carry (the list). */
    static final List<String> ECS_PROMISED = List.of("@timestamp", "ecs.version", "event.kind", "event.category",
            "event.type", "event.action", "event.severity", "event.risk_score", "event.id", "event.start",
            "event.end", "rule.id", "rule.name", "source.ip", "source.port", "destination.ip", "destination.port",
            "network.transport", "observer.name", "observer.product", "observer.vendor", "observer.type", "message");

    private SchemaChecks() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> ecsDefinitions() throws IOException {
        try (InputStream in = SchemaChecks.class.getResourceAsStream("/schemas/ecs_flat_subset.yml")) {
            return (Map<String, Map<String, Object>>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
    }

    static JsonNode ocsfDefinitions() throws IOException {
        try (InputStream in = SchemaChecks.class.getResourceAsStream("/schemas/ocsf_detection_finding_required.json")) {
            return MAPPER.readTree(in);
        }
    }

    /** Flattens nested objects to dotted names; arrays stay values. */
    static Map<String, JsonNode> flatten(JsonNode doc) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        flatten("", doc, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                flatten(name, e.getValue(), out);
            } else {
                out.put(name, e.getValue());
            }
        }
    }

    /** Every problem found in an ECS document: unknown, missing, mistyped or disallowed values. */
    @SuppressWarnings("unchecked")
    static List<String> ecsProblems(String json) throws IOException {
        Map<String, Map<String, Object>> defs = ecsDefinitions();
        Map<String, JsonNode> fields = flatten(MAPPER.readTree(json));
        List<String> problems = new ArrayList<>();
        for (String promised : ECS_PROMISED) {
            if (!fields.containsKey(promised)) {
                problems.add("missing " + promised);
            }
        }
        for (Map.Entry<String, JsonNode> f : fields.entrySet()) {
            String name = f.getKey();
            if (name.startsWith("sif.")) {
                continue; // custom namespace
            }
            Map<String, Object> def = defs.get(name);
            if (def == null) {
                problems.add("not an ECS field (or not in the subset): " + name);
                continue;
            }
            JsonNode v = f.getValue();
            List<String> normalize = (List<String>) def.getOrDefault("normalize", List.of());
            List<JsonNode> values = new ArrayList<>();
            if (v.isArray()) {
                if (!normalize.contains("array")) {
                    problems.add(name + " must not be an array");
                }
                v.forEach(values::add);
            } else {
                values.add(v);
            }
            String type = (String) def.get("type");
            for (JsonNode x : values) {
                String bad = checkEcsType(type, x);
                if (bad != null) {
                    problems.add(name + " (" + type + "): " + bad);
                }
            }
            List<Map<String, Object>> allowed = (List<Map<String, Object>>) def.get("allowed_values");
            if (allowed != null) {
                Set<String> names = new java.util.HashSet<>();
                allowed.forEach(a -> names.add((String) a.get("name")));
                for (JsonNode x : values) {
                    if (!names.contains(x.asText())) {
                        problems.add(name + ": '" + x.asText() + "' is not an allowed value");
                    }
                }
            }
        }
        // event.type must be expected for each event.category that lists expected types
        Map<String, Object> catDef = defs.get("event.category");
        JsonNode cats = fields.get("event.category");
        JsonNode types = fields.get("event.type");
        if (cats != null && types != null) {
            for (Map<String, Object> a : (List<Map<String, Object>>) catDef.get("allowed_values")) {
                List<String> expected = (List<String>) a.get("expected_event_types");
                for (JsonNode c : cats) {
                    if (c.asText().equals(a.get("name")) && expected != null) {
                        for (JsonNode t : types) {
                            if (!expected.contains(t.asText())) {
                                problems.add("event.type '" + t.asText() + "' not expected for category " + c.asText());
                            }
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static String checkEcsType(String type, JsonNode x) {
        switch (type) {
            case "keyword", "match_only_text", "text", "wildcard":
                return x.isTextual() ? null : "expected a string, got " + x.getNodeType();
            case "long":
                return x.isIntegralNumber() && x.canConvertToLong() ? null : "expected an integer, got " + x;
            case "float", "scaled_float", "double":
                return x.isNumber() ? null : "expected a number, got " + x;
            case "date":
                if (!x.isTextual()) {
                    return "expected an ISO-8601 string, got " + x.getNodeType();
                }
                try {
                    Instant.parse(x.asText());
                    return null;
                } catch (DateTimeParseException e) {
                    return "not an ISO-8601 instant: " + x.asText();
                }
            case "ip":
                return x.isTextual() && IpAddress.isValid(x.asText()) ? null : "not an IP address: " + x;
            case "boolean":
                return x.isBoolean() ? null : "expected a boolean";
            default:
                return "type " + type + " not handled by the test";
        }
    }

    /** Every problem found in an OCSF Detection Finding document. */
    static List<String> ocsfProblems(String json) throws IOException {
        JsonNode spec = ocsfDefinitions();
        JsonNode doc = MAPPER.readTree(json);
        List<String> problems = new ArrayList<>();
        checkObject("", doc, spec.get("attributes"), problems, spec);
        JsonNode info = doc.get("finding_info");
        if (info != null && info.isObject()) {
            checkObject("finding_info.", info, spec.get("objects").get("finding_info"), problems, spec);
        }
        JsonNode md = doc.get("metadata");
        if (md != null && md.isObject()) {
            checkObject("metadata.", md, spec.get("objects").get("metadata"), problems, spec);
            JsonNode product = md.get("product");
            if (product != null && product.isObject()) {
                checkObject("metadata.product.", product, spec.get("objects").get("product"), problems, spec);
            }
        }
        for (JsonNode p : spec.get("sif_promised")) {
            if (!doc.has(p.asText())) {
                problems.add("missing promised " + p.asText());
            }
        }
        if (doc.path("class_uid").asInt() != spec.get("class_uid").asInt()) {
            problems.add("class_uid must be " + spec.get("class_uid"));
        }
        if (doc.path("category_uid").asInt() != spec.get("category_uid").asInt()) {
            problems.add("category_uid must be " + spec.get("category_uid"));
        }
        String activity = doc.path("activity_id").asText();
        if (!spec.get("activity_ids").has(activity)) {
            problems.add("activity_id " + activity + " not a Finding activity");
        }
        if (doc.path("type_uid").asLong() != spec.get("type_uid_base").asLong() + doc.path("activity_id").asLong()) {
            problems.add("type_uid must be class_uid * 100 + activity_id");
        }
        boolean sevOk = false;
        for (JsonNode s : spec.get("severity_ids")) {
            sevOk |= s.asInt() == doc.path("severity_id").asInt(-1);
        }
        if (!sevOk) {
            problems.add("severity_id not in the OCSF enum");
        }
        return problems;
    }

    private static void checkObject(String prefix, JsonNode obj, JsonNode attrs, List<String> problems, JsonNode spec) {
        Iterator<Map.Entry<String, JsonNode>> it = attrs.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> a = it.next();
            String name = a.getKey();
            JsonNode v = obj.get(name);
            String req = a.getValue().get("requirement").asText();
            if (v == null || v.isNull()) {
                if (req.equals("required")) {
                    problems.add("missing required " + prefix + name);
                }
                continue;
            }
            String type = a.getValue().get("type").asText();
            String bad = switch (type) {
                case "integer_t" -> v.isIntegralNumber() && v.canConvertToInt() ? null : "expected integer_t";
                case "long_t", "timestamp_t" -> v.isIntegralNumber() && v.canConvertToLong() ? null : "expected " + type;
                case "string_t" -> v.isTextual() ? null : "expected string_t";
                case "boolean_t" -> v.isBoolean() ? null : "expected boolean_t";
                case "object" -> v.isObject() ? null : "expected an object";
                default -> "type " + type + " not handled by the test";
            };
            if (bad != null) {
                problems.add(prefix + name + ": " + bad + ", got " + v);
            }
        }
    }
}
