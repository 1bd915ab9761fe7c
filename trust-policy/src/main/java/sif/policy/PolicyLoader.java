package sif.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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

    /**
     * The longest document read, in characters (1 Mi): a policy is a few kilobytes, and a policy topic
     * with Kafka's default message limit cannot deliver more. Longer text is refused before it is
     * parsed: SnakeYAML's own limit (3 Mi code points) took 3–7 s to reach on this project's machines.
     */
    public static final int MAX_DOCUMENT_CHARS = 1 << 20;

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
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "policy from %s has %,d characters; at most %,d are read", origin, text.length(), MAX_DOCUMENT_CHARS));
        }
        Object tree;
        try {
            LoaderOptions options = loaderOptions();
            tree = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                    options, new PlainScalars()).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("policy from " + origin + " is not valid YAML/JSON: " + e.getMessage(), e);
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("policy from " + origin + " must be a mapping at top level");
        }
        if (recursive(tree, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()))) {
            // e.g. "deny: &x [*x]": SnakeYAML builds a list holding itself, and converting it overflowed the
            // stack (an Error, which the policy updater's catch did not stop)
            throw new IllegalArgumentException("policy from " + origin + " is recursive: an alias refers to a "
                    + "collection that holds it");
        }
        try {
            return MAPPER.convertValue(tree, PolicyRules.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy from " + origin + " does not match the format: "
                    + e.getMessage(), e);
        }
    }

    /** Whether a collection in {@code node} holds itself (through {@code path}, the collections above it). */
    private static boolean recursive(Object node, java.util.Set<Object> path) {
        java.util.Collection<?> children = node instanceof Map<?, ?> m ? m.values()
                : node instanceof java.util.Collection<?> c ? c : null;
        if (children == null) {
            return false;
        }
        if (!path.add(node)) {
            return true;
        }
        for (Object child : children) {
            if (recursive(child, path)) {
                return true;
            }
        }
        path.remove(node);
        return false;
    }

    /**
     * SnakeYAML's limits (50 aliases to collections, nesting depth 50) and {@link #MAX_DOCUMENT_CHARS}
     * bound what a hostile document can cost; a key given twice is an error rather than the last one
     * silently winning.
     */
    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        return options;
    }

    /**
     * Resolves a plain scalar to null ({@code ~}, {@code null}, nothing) or else to the text as written,
     * which the format's types then read. SnakeYAML's default resolution is YAML 1.1's, where {@code 023}
     * is octal 19, {@code 1:30} is 90, {@code on}/{@code no} are booleans and {@code 1.10} is 1.1: a deny
     * rule on port 023 denied port 19. Explicit tags ({@code !!int}) still apply.
     */
    private static final class PlainScalars extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
            addImplicitResolver(Tag.MERGE, MERGE, "<");
        }
    }

    /** Reads and compiles a policy file. */
    public static CompiledPolicy load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }
}
