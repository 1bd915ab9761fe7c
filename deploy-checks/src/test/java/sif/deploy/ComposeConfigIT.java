package sif.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml checked by Docker's own Compose tool, without a Docker engine: {@code
 * docker-compose config} (Debian's docker-compose 1.29.2, which CI installs) validates the file against
 * the Compose schema it bundles, resolves the anchors, merges and variables, and prints the result.
 * Compose 1.29 predates the top-level {@code name} key (Compose v2 sets the project name with it),
 * so the copy it checks leaves that one line out — nothing else. This checks the file; it does not
 * claim the stack was started (no Docker engine runs here).
 */
class ComposeConfigIT {

    @TempDir
    Path dir;

    private static String dockerCompose() {
        return Executables.onPath("docker-compose").map(Path::toString).orElse(null);
    }

    private record Result(int exit, String out) {}

    private Result config(String compose, String... args) throws IOException, InterruptedException {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, compose, StandardCharsets.UTF_8);
        List<String> cmd = new java.util.ArrayList<>(List.of(dockerCompose(), "-f", file.toString(), "config"));
        cmd.addAll(List.of(args));
        Path output = dir.resolve("output.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker-compose config did not finish in 60 s: " + Files.readString(output));
        }
        return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        assumeTrue(dockerCompose() != null, "SKIPPED: no docker-compose on the PATH (apt-get install -y docker-compose; "
                + ".ci/run installs it)");
        String original = Files.readString(RepoFiles.root().resolve("docker-compose.yml"), StandardCharsets.UTF_8);
        assertTrue(original.lines().anyMatch("name: sif"::equals), "the project name line this test leaves out");
        String compose = String.join("\n", original.lines().filter(l -> !l.equals("name: sif")).toList()) + "\n";

        List<String> all = List.of("kafka", "kafka-init", "apicurio", "firewall", "producer", "prometheus", "grafana");
        Result ok = config(compose);
        assertEquals(0, ok.exit(), ok.out());
        for (String service : all) {
            assertTrue(ok.out().contains("\n  " + service + ":\n"), service + " in the resolved file:\n" + ok.out());
        }
        Result services = config(compose, "--services");
        assertEquals(0, services.exit(), services.out());
        assertEquals(new java.util.TreeSet<>(all), new java.util.TreeSet<>(services.out().lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList()), "the services, and no others");

        // the tool does check: a misspelt key in one service is an error that names it
        Result bad = config(compose.replaceFirst("\n    healthcheck:", "\n    healthchek:"));
        assertNotEquals(0, bad.exit(), "a misspelt key was accepted");
        assertTrue(bad.out().contains("healthchek"), bad.out());
    }
}
