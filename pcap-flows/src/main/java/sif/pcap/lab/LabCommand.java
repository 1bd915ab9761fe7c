package sif.pcap.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sif.pcap.CicMode;
import sif.pcap.ExtractorConfig;

/**
 * {@code sif lab}: generates a labelled corpus from real traffic. As root, runs the bundled
 * {@code lab-capture.sh}: network namespaces it creates and removes (victim with nginx, OpenSSH and
 * vsftpd; a benign client; an attacker), nmap SYN/connect/FIN scans, an hping3 SYN flood,
 * slowhttptest slowloris and slow-body, an ab GET flood, patator SSH and FTP password guessing, each
 * phase {@code --seconds} long (the two patator phases at least 8 s: Python needs time to start); then
 * extracts and labels the flows.
 * Output: {@code OUT/capture.pcap}, {@code OUT/labels.csv}, {@code OUT/tools.log}, {@code OUT/flows.csv}.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Generate a labelled lab corpus (root): real services and attack tools in network namespaces, "
                + "capture, ground-truth labels and CICIDS2017-layout flows.")
public final class LabCommand implements Callable<Integer> {

    static final int PHASES = 9;

    @Option(names = "--out", required = true, description = "output directory")
    Path out;

    @Option(names = "--seconds", defaultValue = "10", description = "length of each attack phase in seconds (9 phases); default ${DEFAULT-VALUE}")
    int seconds;

    @Option(names = "--mode", defaultValue = "v4", description = "flow extraction mode, v4 or engelen; default ${DEFAULT-VALUE}")
    String mode;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (seconds < 1 || seconds > 600) {
            System.err.println("lab: --seconds must be between 1 and 600, got " + seconds);
            return 2;
        }
        ExtractorConfig config;
        try {
            config = ExtractorConfig.defaults(CicMode.parse(mode));
        } catch (IllegalArgumentException e) {
            System.err.println("lab: " + e.getMessage());
            return 2;
        }
        Files.createDirectories(out);
        Path script = Files.createTempFile("sif-lab-", ".sh");
        try {
            try (InputStream in = LabCommand.class.getResourceAsStream("lab-capture.sh")) {
                if (in == null) {
                    throw new IOException("lab-capture.sh missing from the classpath");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Process p = new ProcessBuilder("bash", script.toString(), out.toAbsolutePath().toString(),
                    Integer.toString(seconds)).inheritIO().start();
            long limit = PHASES * (Math.max(seconds, 8) + 4L) + 90;
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                System.err.println("lab: capture did not finish within " + limit + " s; stopping it");
                p.destroy(); // the script's trap stops what it started and removes its namespaces
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                return 1;
            }
            if (p.exitValue() != 0) {
                System.err.println("lab: capture script failed with exit code " + p.exitValue());
                return p.exitValue() == 3 ? 2 : 1;
            }
        } finally {
            Files.deleteIfExists(script);
        }
        Path csv = out.resolve("flows.csv");
        Map<String, Long> counts = LabCorpus.write(out, config, csv);
        System.out.println("lab: flows per label " + counts + " -> " + csv);
        return 0;
    }
}
