package sif.pcap.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import sif.flows.FlowCsvReader;

/**
 * A short lab generation end to end (3 s per phase, about a minute): capture, flows, labels present for
 * every class. Needs root, network namespaces and the Debian tools; skipped with the reason otherwise.
 */
class LabGeneratorIT {

    private static boolean works(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void shortLabRunProducesLabelledFlowsOfEveryClass(@TempDir Path dir) throws IOException {
        assumeTrue(works("sh", "-c", "[ \"$(id -u)\" = 0 ]"), "lab generation needs root; not run");
        assumeTrue(works("sh", "-c", "command -v nmap && command -v hping3 && command -v slowhttptest && command -v patator"
                + " && command -v ab && command -v nginx && command -v tcpdump && command -v vsftpd && test -x /usr/sbin/sshd"),
                "lab tools missing (apt-get install nmap hping3 slowhttptest patator apache2-utils nginx-light "
                        + "openssh-server vsftpd tcpdump curl); not run");
        assumeTrue(works("sh", "-c", "ip netns add sif-it-probe && ip netns del sif-it-probe"),
                "cannot create network namespaces here; not run");

        Path out = dir.resolve("lab");
        int code = new CommandLine(new LabCommand()).execute("--out", out.toString(), "--seconds", "3");
        assertEquals(0, code);
        assertTrue(Files.size(out.resolve("capture.pcap")) > 10_000);
        Map<String, Integer> labels = new TreeMap<>();
        FlowCsvReader.read(out.resolve("flows.csv"), r -> labels.merge(r.label(), 1, Integer::sum));
        for (String cls : List.of("BENIGN", "PortScan", "DDoS", "DoS", "Other")) {
            assertTrue(labels.getOrDefault(cls, 0) > 0, "flows labelled " + cls + " in " + labels);
        }
    }
}
