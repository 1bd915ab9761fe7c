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
