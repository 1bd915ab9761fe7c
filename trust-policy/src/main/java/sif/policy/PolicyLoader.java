package sif.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads policy documents. YAML is a superset of JSON, so one parser (SnakeYAML, safe constructor:
 * no arbitrary types) reads both; Jackson then binds the tree to {@link PolicyRules}, rejecting
 * unknown keys so a typo fails loudly instead of silently disabling a rule.
 */
public final class PolicyLoader {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private PolicyLoader() {
    }

    /**
     * Parses and compiles a policy document.
     *
     * @param text   YAML or JSON
     * @param origin where it came from (file name, "policy topic offset 12"), for error messages
     * @throws IllegalArgumentException naming the origin and what is wrong
     */
    public static CompiledPolicy parse(String text, String origin) {
        return CompiledPolicy.compile(parseRules(text, origin), origin);
    }

    /** Parses without compiling. */
    public static PolicyRules parseRules(String text, String origin) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty policy document from " + origin);
        }
        Object tree;
        try {
            tree = new Yaml(new SafeConstructor(loaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("policy from " + origin + " is not valid YAML/JSON: " + e.getMessage(), e);
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("policy from " + origin + " must be a mapping at top level");
        }
        try {
            return MAPPER.convertValue(tree, PolicyRules.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy from " + origin + " does not match the format: "
                    + e.getMessage(), e);
        }
    }

    /**
     * SnakeYAML's limits (50 aliases to collections, nesting depth 50, 3,145,728 code points of text) bound what a
     * hostile document can cost; a key given twice is an error rather than the last one silently
     * winning.
     */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return options;
    }

    /** Reads and compiles a policy file. */
    public static CompiledPolicy load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }
}
