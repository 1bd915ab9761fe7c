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
        assertEquals(2, run().exit(), "no PATH: usage error");
        // an option's value out of range is a usage error too (exit 2, as --help says); before, 1
        for (String[] bad : new String[][] {{"--rate", "-5"}, {"--rate", "NaN"}, {"--limit", "-1"},
                {"--speedup", "-1"}, {"--max-wait", "-1"}, {"--create-topic", "--partitions", "0"},
                {"--connect-timeout", "0"}, {"--connect-timeout", "3000000"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(bad));
            args.add("x.csv");
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), String.join(" ", bad) + ": " + r.err());
            assertTrue(r.err().contains(bad[bad.length - 2].startsWith("--") ? bad[bad.length - 2] : bad[0]), r.err());
        }
    }

    @Test
    void sourceOptionsAreExclusiveAndChecked(@TempDir Path dir) throws IOException {
        Run none = run("--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("nothing to replay"), none.err());
        Run two = run("--synthetic", "--pcap", "x.pcap");
        assertEquals(2, two.exit());
        assertTrue(two.err().contains("exactly one source"), two.err());
        assertEquals(2, run("--synthetic", "a.csv").exit());
        Run labels = run("--labels", "l.csv", "a.csv");
        assertEquals(2, labels.exit());
        assertTrue(labels.err().contains("--labels applies to --pcap only"), labels.err());
        Run speed = run("--synthetic", "--speedup", "10");
        assertEquals(2, speed.exit());
        assertTrue(speed.err().contains("use --rate"), speed.err());
        Run mode = run("--pcap", dir.toString(), "--pcap-mode", "v5");
        assertEquals(2, mode.exit());
        assertTrue(mode.err().contains("expected v4 or engelen"), mode.err());
    }

    @Test
    void missingOrEmptyCaptureAndBadIdentitySettings(@TempDir Path dir) {
        Run missing = run("--bootstrap-servers", "127.0.0.1:1", "--pcap", dir.resolve("nope.pcap").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("cannot read input") && missing.err().contains("nope.pcap"), missing.err());
        Run empty = run("--bootstrap-servers", "127.0.0.1:1", "--pcap", dir.toString());
        assertEquals(1, empty.exit());
        assertTrue(empty.err().contains("no capture files"), empty.err());
        Run rotate = run("--synthetic", "--identities", "--identity-rotate-minutes", "0");
        assertEquals(2, rotate.exit());
        assertTrue(rotate.err().contains("--identity-rotate-minutes must be at least a millisecond"), rotate.err());
        assertEquals(2, run("--synthetic", "--identities", "--identity-rotate-minutes", "1e-9").exit(),
                "rounds to 0 ms");
        Run flows = run("--synthetic", "--identities", "--identity-rotate-flows", "0");
        assertEquals(2, flows.exit());
        assertTrue(flows.err().contains("--identity-rotate-flows must be positive"), flows.err());
        Run cidr = run("--synthetic", "--identities", "--identity-network", "192.168.10.0/40");
        assertEquals(2, cidr.exit());
        assertTrue(cidr.err().contains("192.168.10.0/40"), cidr.err());
    }

    @Test
    void helpListsTheNewSources() {
        Run help = run("--help");
        assertEquals(0, help.exit());
        for (String o : new String[] {"--pcap", "--pcap-mode", "--labels", "--synthetic", "--seed", "--identities",
                "--identity-rotate-minutes", "--identity-network", "--metrics-port", "SYNTHETIC", "SIMULATED"}) {
            assertTrue(help.out().contains(o), o + " missing from help:\n" + help.out());
        }
    }
}
