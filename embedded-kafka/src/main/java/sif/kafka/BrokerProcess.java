package sif.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link EmbeddedKafka} broker in a JVM of its own ({@link EmbeddedKafkaMain} in a child
 * process, on this JVM's class path), so that its threads, heap, garbage collections and JIT
 * compilations are not those of the JVM that uses it — as in a deployment, where the firewall and
 * the brokers never share a JVM. {@link #pid()} lets a caller account for its CPU.
 *
 * <p>{@link #start} returns once the child printed {@code BOOTSTRAP=...} (the broker is registered and
 * unfenced); the child's output goes to a log file. {@link #close()} stops it with SIGTERM (its shutdown
 * hook closes the broker) and kills it if it has not exited within 30 s.
 */
public final class BrokerProcess implements KafkaBroker {

    private static final String READY = "BOOTSTRAP=";

    private final Process process;
    private final String bootstrapServers;
    private final Path log;

    private BrokerProcess(Process process, String bootstrapServers, Path log) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.log = log;
    }

    /**
     * Starts a broker JVM.
     *
     * @param logDir     the broker's data directory (kept)
     * @param jvmOptions options of the child JVM (e.g. {@code -Xmx1g})
     * @param outputLog  where the child's output goes
     * @param timeout    how long to wait for the broker to be ready
     * @throws IllegalStateException when the child exits or is not ready in time (with its log's tail)
     */
    public static BrokerProcess start(Path logDir, List<String> jvmOptions, Path outputLog, Duration timeout)
            throws IOException {
        List<String> cmd = ChildJvm.command(jvmOptions, EmbeddedKafkaMain.class.getName(),
                List.of("--log-dir", logDir.toAbsolutePath().toString()));
        Files.createDirectories(outputLog.toAbsolutePath().getParent());
        Process p = ChildJvm.start(new ProcessBuilder(cmd).redirectErrorStream(true));
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(p, outputLog, ready), "broker-process-output");
        pump.setDaemon(true);
        pump.start();
        try {
            String bootstrap = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new BrokerProcess(p, bootstrap, outputLog);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("broker process did not become ready within " + timeout + " ("
                    + (e instanceof ExecutionException ? e.getCause().getMessage() : "timed out") + "); its output: "
                    + outputLog + "\n" + tail(outputLog), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the broker process", e);
        }
    }

    private static void pump(Process p, Path outputLog, CompletableFuture<String> ready) {
        try {
            ChildJvm.copyOutput(p, outputLog, line -> {
                if (line.startsWith(READY) && !ready.isDone()) {
                    ready.complete(line.substring(READY.length()).trim());
                }
                return line;
            });
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException("broker process exited"
                + (p.isAlive() ? "" : " with status " + p.exitValue())));
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** The child's output. */
    public Path log() {
        return log;
    }

    @Override
    public void close() {
        ChildJvm.stop(process);
    }

    @Override
    public String toString() {
        return "BrokerProcess[" + bootstrapServers + ", pid " + process.pid() + "]";
    }
}
