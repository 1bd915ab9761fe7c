package sif.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Policy documents arrive on a topic anyone with write access to it can fill. Whatever the text, the
 * loader either returns a policy or throws {@link IllegalArgumentException} naming the origin — the
 * only exception the firewall's policy updater treats as "reject and keep the current rules" — and
 * it does so quickly and without holding on to the document's size in memory.
 */
class PolicyLoaderHostileInputTest {

    static final String ORIGIN = "hostile-test";

    static IllegalArgumentException rejected(String doc) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> PolicyLoader.parse(doc, ORIGIN)),
                () -> "accepted: " + abbreviate(doc));
        assertTrue(e.getMessage().contains(ORIGIN), e.getMessage());
        return e;
    }

    /** A null where a list or map holds text or numbers: a clear rejection, not a NullPointerException. */
    @ParameterizedTest
    @ValueSource(strings = {
            "deny: [{id: a, ports: [~]}]",
            "deny: [{id: a, protocols: [~]}]",
            "deny: [{id: a, principals: [~]}]",
            "deny: [{id: a, classes: [~]}]",
            "deny: [{id: a, sources: [~]}]",
            "deny: [{id: a, destinations: [~, 10.0.0.0/8]}]",
            "suppress: [{id: a, ports: ['80', ~]}]",
            "deny: [~]",
            "segmentation: [~]",
            "segmentation: [{principal: p, allow: [~]}]",
            "segmentation: [{principal: p, allow: [{ports: [~]}]}]",
            "segmentation: [{principal: p, allow: [{protocols: [~]}]}]",
            "classes: {~: {action: BLOCK}}",
            "classes: {DDoS: ~}",
            "zeroTrust: {exemptSources: [~]}",
    })
    void aNullInsideAListOrMapIsRejected(String doc) {
        rejected(doc);
    }

    /** The wrong shape or type anywhere. */
    @ParameterizedTest
    @ValueSource(strings = {
            "deny: {id: a, ports: ['23']}",
            "deny: [{id: a, ports: [[1, 2]]}]",
            "deny: [{id: a, protocols: [tcp]}]",
            "deny: [{id: a, protocols: [99999999999999]}]",
            "deny: [{id: a, protocols: [256]}]",
            "deny: [{id: a, protocols: [-1]}]",
            "deny: [{id: [a], sources: [10.0.0.0/8]}]",
            "confidenceThreshold: high",
            "confidenceThreshold: .nan",
            "confidenceThreshold: -.inf",
            "mode: [enforce]",
            "defaultAction: DROP",
            "version: {a: b}",
            "unknownKey: 1",
            "[1, 2, 3]",
            "just text",
            "~",
            "'': ''",
    })
    void theWrongShapeIsRejected(String doc) {
        rejected(doc);
    }

    /**
     * An alias inside the collection it names makes a collection that holds itself: converting it
     * overflowed the stack, an Error the policy updater (which catches RuntimeException) did not stop.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "deny: &x [*x]",
            "zeroTrust: &z {exemptSources: *z}",
            "classes: &c {DDoS: *c}",
            "deny: [&r {id: a, ports: [23], protocols: *r}]",
    })
    void aRecursiveAliasIsRejected(String doc) {
        assertTrue(rejected(doc).getMessage().contains("recursive"), doc);
    }

    /** A key given twice: the second would silently win; a typo'd copy-paste must fail loudly. */
    @Test
    void aDuplicateKeyIsRejected() {
        String m = rejected("version: a\nmode: enforce\nversion: b\n").getMessage();
        assertTrue(m.contains("version"), m);
        rejected("deny:\n  - id: a\n    ports: ['23']\n    ports: ['24']\n");
    }

    /** SnakeYAML's global tags would construct arbitrary Java objects without the safe constructor. */
    @Test
    void javaTypeTagsAreRejected() {
        rejected("version: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL "
                + "[\"http://127.0.0.1:1/\"]]]]");
        rejected("!!java.io.File [/etc/passwd]");
    }

    /** "Billion laughs": nine levels of nine aliases to lists expand to 9^9 entries if followed. */
    @Test
    void anAliasBombIsRejected() {
        StringBuilder doc = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++) {
            String prev = "*a" + (i - 1);
            doc.append("a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        doc.append("version: v\n");
        rejected(doc.toString());
    }

    /** Nesting far beyond any policy's (a few levels) would overflow the parser's stack. */
    @Test
    void deepNestingIsRejected() {
        rejected("version: " + "[".repeat(20_000) + "]".repeat(20_000));
        rejected("version: " + "{a: ".repeat(20_000) + "b" + "}".repeat(20_000));
    }

    /** A document longer than {@link PolicyLoader#MAX_DOCUMENT_CHARS} is refused before it is parsed. */
    @Test
    void aHugeDocumentIsRejected() {
        String huge = rejected("version: \"" + "v".repeat(4 << 20) + "\"\n").getMessage();
        assertTrue(huge.contains("4,194,316 characters; at most 1,048,576 are read"), huge);
        String over = rejected(policyOfExactlyTheLimit() + "\n").getMessage(); // one character over
        assertTrue(over.contains("1,048,577 characters"), over);
    }

    /** A document of exactly {@link PolicyLoader#MAX_DOCUMENT_CHARS} characters is read. */
    @Test
    void aDocumentAtTheLimitIsRead() {
        String doc = policyOfExactlyTheLimit();
        assertEquals(PolicyLoader.MAX_DOCUMENT_CHARS, doc.length());
        CompiledPolicy p = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> PolicyLoader.parse(doc, ORIGIN));
        assertEquals("long-comment", p.version());
    }

    /** A valid policy after a comment that makes it {@link PolicyLoader#MAX_DOCUMENT_CHARS} characters long. */
    private static String policyOfExactlyTheLimit() {
        String policy = "version: long-comment\ndefaultAction: ALERT\n";
        return "# " + "x".repeat(PolicyLoader.MAX_DOCUMENT_CHARS - policy.length() - 3) + "\n" + policy;
    }

    /**
     * The version and rule ids are echoed into every verdict and alert this policy decides: a long
     * one would make each verdict too large to write (and dead-letter every flow).
     */
    @Test
    void textEchoedIntoVerdictsIsBounded() {
        String ok = "v".repeat(CompiledPolicy.MAX_TEXT_CHARS);
        assertEquals(ok, PolicyLoader.parse("version: " + ok, ORIGIN).version());
        rejected("version: " + ok + "v");
        rejected("deny: [{id: " + "i".repeat(CompiledPolicy.MAX_TEXT_CHARS + 1) + ", ports: ['23']}]");
        // principals may be as long as an identity's (a SPIFFE ID can be long), not longer
        String principal = "p".repeat(sif.trust.IdentityEvent.MAX_TEXT_CHARS);
        PolicyLoader.parse("segmentation: [{principal: " + principal + "}]", ORIGIN);
        rejected("segmentation: [{principal: " + principal + "p}]");
        rejected("deny: [{id: a, principals: [" + principal + "p]}]");
        rejected("classes: {" + "C".repeat(CompiledPolicy.MAX_TEXT_CHARS + 1) + ": {action: BLOCK}}");
        // a long id given twice is refused for its length, and the message does not quote it whole
        String id = "i".repeat(1_000_000);
        String twice = rejected("deny: [{id: " + id + ", ports: ['23']}, {id: " + id + ", ports: ['24']}]").getMessage();
        assertTrue(twice.length() < 2 * CompiledPolicy.MAX_TEXT_CHARS, twice.length() + " characters");
    }

    /**
     * Seeded mutations of the example policy: a random node replaced by a null, an empty or long
     * string, an extreme number, a list or map of the wrong kind. Each result is a valid policy or an
     * {@link IllegalArgumentException}; anything else fails the test with the document.
     */
    @Test
    void mutationsOfTheExamplePolicyAreAcceptedOrRejectedCleanly() throws IOException {
        Object example = new Yaml(new SafeConstructor(new LoaderOptions())).load(PolicyEngineTest.example());
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        Yaml dumper = new Yaml(new Representer(options), options);
        Random random = new Random(20261203L);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            Object tree = copy(example);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                tree = mutate(tree, random);
            }
            String doc = dumper.dump(tree);
            try {
                PolicyLoader.parse(doc, ORIGIN);
                accepted++;
            } catch (IllegalArgumentException e) {
                rejected++;
                if (!e.getMessage().contains(ORIGIN)) {
                    fail("rejection without the origin: " + e.getMessage() + "\n" + abbreviate(doc));
                }
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("mutation " + i + " threw " + e + " instead of IllegalArgumentException:\n"
                        + abbreviate(doc), e);
            }
        }
        // both outcomes occur, so the mutations reach the compiler and not only the parser
        assertTrue(accepted > 100 && rejected > 100, "accepted " + accepted + ", rejected " + rejected);
    }

    private static final Object[] REPLACEMENTS = {
            null, "", " ", "x".repeat(5000), -1, 0, 65536, Integer.MAX_VALUE, Long.MAX_VALUE, 1e308, -0.0,
            Double.NaN, true, "0-", "-", "80-70", "::/129", "10.0.0.0/33", "256.1.1.1", "BLOCK", "ALLOW",
            new ArrayList<>(), Arrays.asList((Object) null), new LinkedHashMap<>(), "\u0000\uFFFF",
    };

    /** Replaces (or removes, or wraps) one random node of {@code tree}; returns the new root. */
    @SuppressWarnings("unchecked")
    private static Object mutate(Object tree, Random random) {
        if (random.nextInt(8) == 0 || !(tree instanceof Map<?, ?> || tree instanceof List<?>)) {
            return replacement(random);
        }
        if (tree instanceof Map<?, ?> m) {
            Map<Object, Object> map = (Map<Object, Object>) m;
            if (map.isEmpty()) {
                map.put(random.nextBoolean() ? null : "k", replacement(random));
                return map;
            }
            Object key = new ArrayList<>(map.keySet()).get(random.nextInt(map.size()));
            switch (random.nextInt(4)) {
                case 0 -> map.remove(key);
                case 1 -> map.put(key, replacement(random));
                case 2 -> map.put(key, new ArrayList<>(Arrays.asList(map.get(key))));
                default -> map.put(key, mutate(map.get(key), random));
            }
            return map;
        }
        List<Object> list = (List<Object>) tree;
        if (list.isEmpty()) {
            list.add(replacement(random));
            return list;
        }
        int at = random.nextInt(list.size());
        switch (random.nextInt(3)) {
            case 0 -> list.add(at, replacement(random));
            case 1 -> list.set(at, replacement(random));
            default -> list.set(at, mutate(list.get(at), random));
        }
        return list;
    }

    private static Object replacement(Random random) {
        Object r = REPLACEMENTS[random.nextInt(REPLACEMENTS.length)];
        return r instanceof List<?> || r instanceof Map<?, ?> ? copy(r) : r;
    }

    /** A deep, mutable copy of a SnakeYAML tree. */
    private static Object copy(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, copy(v)));
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(copy(v)));
            return out;
        }
        return node;
    }

    private static String abbreviate(String doc) {
        return doc.length() <= 2000 ? doc : doc.substring(0, 2000) + "...(" + doc.length() + " chars)";
    }

    /**
     * A scalar is read as written. SnakeYAML resolves plain scalars by YAML 1.1, where {@code 023} is
     * octal 19, {@code 1:30} is 90, {@code on}/{@code no} are booleans and {@code 1.10} is the number 1.1:
     * a deny rule on port 023 denied port 19 and let telnet through, and a principal {@code on} became
     * "true". Numbers are now read from the text as written (decimal; {@code 023} is 23).
     */
    @Test
    void scalarsAreReadAsWrittenNotByYaml11() {
        PolicyEngine engine = new PolicyEngine(PolicyLoader.parse("""
                deny:
                  - {id: telnet, ports: [023], protocols: [06]}
                  - {id: by-principal, principals: [on, no]}
                """, ORIGIN));
        assertEquals(Decision.BLOCK, engine.evaluate(tcp(23, null)).decision());
        assertEquals(Decision.ALLOW, engine.evaluate(tcp(19, null)).decision());
        assertEquals(Decision.BLOCK, engine.evaluate(tcp(80, "on")).decision());
        assertEquals(Decision.BLOCK, engine.evaluate(tcp(80, "no")).decision());
        assertEquals(Decision.ALLOW, engine.evaluate(tcp(80, "true")).decision());

        PolicyRules rules = PolicyLoader.parseRules("version: 1.10\nconfidenceThreshold: 0.90", ORIGIN);
        assertEquals("1.10", rules.version());
        assertEquals(0.90, rules.confidenceThreshold());
        // a port written "1:30" (YAML 1.1: 90) is not a port at all
        assertTrue(rejected("deny: [{id: clock, ports: [1:30], protocols: [6]}]").getMessage().contains("1:30"));
    }

    private static FlowContext tcp(int dstPort, String principal) {
        return new FlowContext("192.168.10.5", 40000, "192.168.10.3", dstPort, 6, principal, "BENIGN", 0.99,
                sif.trust.IdentityStatus.TRUSTED);
    }
}
