package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import sif.flows.FlowCsvWriter;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/** Failure paths of {@code replay} that need no broker. */
class ReplayCommandTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ReplayCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Run r = run("--bootstrap-servers", "127.0.0.1:1", dir.resolve("nope.csv").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("cannot read input") && r.err().contains("nope.csv"), r.err());
    }

    @Test
    void notAFlowCsv(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("labels.csv");
        java.nio.file.Files.writeString(f, "src_ip,label\n10.0.0.1,BENIGN\n");
        Run r = run("--bootstrap-servers", "127.0.0.1:1", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("not a CICFlowMeter flow CSV"), r.err());
    }

    @Test
    void unreachableBroker(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("one.csv");
        try (FlowCsvWriter w = new FlowCsvWriter(f)) {
            w.write(new FlowRecord("x", "10.0.0.1", 1, "10.0.0.2", 80, 6, 0, new double[FlowFeatures.COUNT],
                    "BENIGN", null, -1));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Run r = run("--bootstrap-servers", "127.0.0.1:" + port, "--connect-timeout", "2", "--no-progress",
                f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("unreachable") && r.err().contains("127.0.0.1:" + port), r.err());
    }

    @Test
    void badOptions() {
        assertEquals(1, run("--rate", "-5", "x.csv").exit());
        assertEquals(2, run().exit(), "no PATH: usage error");
    }
}
