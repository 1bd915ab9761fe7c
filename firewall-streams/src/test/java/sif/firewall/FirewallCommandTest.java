package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FirewallCommandTest {

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new FirewallCommand()).execute(args);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void helpListsTheOptions() {
        String usage = new CommandLine(new FirewallCommand()).getUsageMessage();
        for (String o : new String[] {"--bootstrap-servers", "--config", "--model", "--application-id",
                "--metrics-port"}) {
            assertTrue(usage.contains(o), o);
        }
    }

    @Test
    void checkLoadsModelAndTopologyWithoutABroker() {
        Path model = FirewallEndToEndIT.realModel();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = run(err, "--check", "--model", model.toString(), "--metrics-port", "-1",
                    "--bootstrap-servers", "127.0.0.1:1", "--application-id", "check-test");
        } finally {
            System.setOut(oldOut);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("firewall check: OK: model cicids2017-lstm-"), printed);
        assertTrue(printed.contains("application id check-test"), printed);
    }

    /** The flag is checked as the {@code metrics.port} key is: before, -5 turned the endpoint off silently. */
    @Test
    void aMetricsPortOutOfRangeIsRefused() {
        for (String port : new String[] {"-5", "70000"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, run(err, "--check", "--model", FirewallEndToEndIT.realModel().toString(),
                    "--metrics-port", port, "--bootstrap-servers", "127.0.0.1:1"), port);
            String msg = err.toString(StandardCharsets.UTF_8);
            assertTrue(msg.contains("metrics.port must be -1 (off), 0 (any) or a port, got " + port), msg);
        }
    }

    /**
     * Settings the model cannot honour are refused by {@code --check} and at start: a benign class the model
     * does not have (before, BENIGN at 0.99 was blocked, or alerted with zero trust on: every flow), and a
     * sequence longer than the model's T (which it cuts to its last T flows).
     */
    @Test
    void settingsTheModelCannotHonourAreRefused() throws Exception {
        String[][] cases = {
                {"policy.benign.class=Benign\n", "policy.benign.class 'Benign' is not one of the model's classes"},
                {"policy.benign.class=Benign\ntrust.enabled=false\n", "policy.benign.class 'Benign' is not one"},
                {"sequence.length=50\n", "sequence.length 50 is longer than the model's sequences (T=10)"},
        };
        for (String[] c : cases) {
            Path config = dir.resolve("model-settings.properties");
            java.nio.file.Files.writeString(config, c[0]);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, run(err, "--check", "--config", config.toString(), "--model",
                    FirewallEndToEndIT.realModel().toString(), "--metrics-port", "-1", "--bootstrap-servers",
                    "127.0.0.1:1"), c[0]);
            String msg = err.toString(StandardCharsets.UTF_8);
            assertTrue(msg.contains(c[1]), msg);
        }
    }

    /**
     * --check runs in a temporary state directory: with a firewall of the same application id running on the
     * host, the configured one is locked, and the check failed ("already locked"). Here the configured one
     * cannot even be created.
     */
    @Test
    void checkDoesNotUseTheConfiguredStateDirectory() throws Exception {
        Path config = dir.resolve("state.properties");
        java.nio.file.Files.writeString(config, "streams.state.dir=/proc/sif-no-state-here\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, run(err, "--check", "--config", config.toString(), "--model",
                    FirewallEndToEndIT.realModel().toString(), "--metrics-port", "-1", "--bootstrap-servers",
                    "127.0.0.1:1"), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void checkFailsOnAMisspeltSetting() throws Exception {
        Path config = dir.resolve("typo.properties");
        java.nio.file.Files.writeString(config, "batchsize=32\ntrust.enable=false\nbatch.size=32\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--check", "--config", config.toString(), "--model",
                FirewallEndToEndIT.realModel().toString(), "--metrics-port", "-1", "--bootstrap-servers", "127.0.0.1:1"));
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.startsWith("firewall check: FAILED: unknown settings [batchsize, trust.enable]"), msg);
    }

    @Test
    void checkRefusesTamperedWeights() throws Exception {
        Path model = FirewallEndToEndIT.realModel();
        Path copy = dir.resolve("tampered");
        java.nio.file.Files.createDirectories(copy);
        try (var files = java.nio.file.Files.list(model)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        try (var files = java.nio.file.Files.list(copy)) {
            Path weights = files.filter(f -> f.toString().endsWith(".params")).findFirst().orElseThrow();
            byte[] b = java.nio.file.Files.readAllBytes(weights);
            b[b.length / 2] ^= 1;
            java.nio.file.Files.write(weights, b);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--check", "--model", copy.toString(), "--metrics-port", "-1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("SHA-256"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingModelIsAClearErrorWithExitCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--model", dir.resolve("no-model").toString(), "--metrics-port", "-1"));
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.startsWith("firewall: cannot load the model from "), msg);
        assertTrue(msg.contains("does not exist"), msg);
    }

    @Test
    void aMissingConfigFileIsAClearErrorWithExitCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--config", dir.resolve("nope.properties").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("firewall: firewall config file not found: "));
    }
}
