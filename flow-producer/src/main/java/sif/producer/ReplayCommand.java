package sif.producer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sif.flows.FlowCsvReader;
import sif.schemas.Topics;

/**
 * {@code ./sif replay}: CICIDS2017 CSV files or directories → Kafka, Avro {@code NetworkFlow}
 * keyed by source IP, in event-time order.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Replays CICIDS2017 / CICFlowMeter CSV files (or directories of them) to Kafka as Avro NetworkFlow "
                    + "records keyed by source IP, in event-time order (stable sort by timestamp; file, then line "
                    + "order breaks ties). Every real-world quirk of the published CSVs is read; malformed rows are "
                    + "skipped and reported. Rows without a source IP (MachineLearningCVE layout) cannot be keyed "
                    + "and are skipped with that reason."},
        footer = {"", "Exit codes: 0 done; 1 cannot start (unreadable input, unreachable broker, missing topic, bad "
                + "config); 2 usage error; 3 finished but flows were not delivered (send errors, or nothing sendable)."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "CSV files or directories (a directory: its *.csv files, sorted by name)")
    List<Path> paths;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: bootstrap.servers of --config, else localhost:9092)")
    String bootstrapServers;

    @Option(names = "--topic", description = "target topic (default: sif.topic.input of --config, else flows)")
    String topic;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "at most N flows per second (0 = unlimited; default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--speedup", paramLabel = "X", defaultValue = "0",
            description = "pace by the flows' timestamps, X times faster than recorded (0 = off; default ${DEFAULT-VALUE})")
    double speedup;

    @Option(names = "--max-wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "with --speedup: longest pause between two flows; longer event-time gaps (e.g. overnight "
                    + "between capture days) are shortened to it (0 = no limit; default ${DEFAULT-VALUE})")
    double maxWait;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "stop after N flows (0 = all; default ${DEFAULT-VALUE})")
    long limit;

    @Option(names = "--loop", description = "start over at the end (event times shifted forward, flow ids suffixed #k)")
    boolean loop;

    @Option(names = "--include-subdirs", description = "also read CSVs in subdirectories of a directory (e.g. fallback/)")
    boolean includeSubdirs;

    @Option(names = "--create-topic", description = "create the topic if it does not exist")
    boolean createTopic;

    @Option(names = "--partitions", defaultValue = "4",
            description = "partitions for --create-topic (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "fail when the broker does not answer within this time (default ${DEFAULT-VALUE})")
    int connectTimeoutSeconds;

    @Option(names = "--config", paramLabel = "FILE",
            description = "properties file: bootstrap.servers, sif.topic.input, schema.registry.url, producer settings")
    Path configFile;

    @Option(names = "--no-progress", description = "no progress bar on stderr")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> config;
        ReplayOptions options;
        CsvFlowSource source;
        try {
            Map<String, String> overrides = new HashMap<>();
            overrides.put(ReplayConfig.BOOTSTRAP_SERVERS, bootstrapServers);
            overrides.put(Topics.INPUT, topic);
            config = ReplayConfig.load(configFile, overrides);
            options = new ReplayOptions(ReplayConfig.topic(config), rate, speedup, limit, loop, maxWait);
            if (createTopic && partitions <= 0) {
                throw new IllegalArgumentException("--partitions must be positive");
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
        try {
            source = new CsvFlowSource(paths, FlowCsvReader.Options.DEFAULT.withIncludeSubdirs(includeSubdirs));
            err.println("replay: scanning " + source.files().size() + " file(s) for event-time order ...");
            source.scan();
        } catch (IOException e) {
            err.println("replay: cannot read input: " + describe(e));
            return 1;
        }
        try {
            FlowReplayer.checkBroker(config, options.topic(), Duration.ofSeconds(connectTimeoutSeconds),
                    createTopic ? partitions : 0);
        } catch (ReplayException e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
        err.printf("replay: %,d flows from %s to topic '%s' at %s%n", source.flowsPerPass(), source.describe(),
                options.topic(), config.get(ReplayConfig.BOOTSTRAP_SERVERS));

        ReplaySummary summary = null;
        CountDownLatch finished = new CountDownLatch(1);
        try (FlowReplayer replayer = FlowReplayer.create(config, options)) {
            Thread hook = new Thread(() -> {
                replayer.stop();
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sif-replay-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            ScheduledExecutorService ticker = noProgress ? null : Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sif-replay-progress");
                t.setDaemon(true);
                return t;
            });
            boolean terminal = System.console() != null;
            if (ticker != null) {
                ticker.scheduleAtFixedRate(() -> showProgress(err, replayer, terminal),
                        terminal ? 250 : 5000, terminal ? 250 : 5000, TimeUnit.MILLISECONDS);
            }
            try {
                summary = replayer.replay(source);
            } catch (IOException e) {
                err.println();
                err.println("replay: cannot read input: " + describe(e));
                return 1;
            } finally {
                if (ticker != null) {
                    ticker.shutdownNow();
                    showProgress(err, replayer, terminal);
                    if (terminal) {
                        err.println();
                    }
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and waits until the summary is printed
                }
            }
            out.print(summary.describe());
            out.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("replay: Kafka producer failed: " + e.getMessage());
            return 1;
        } finally {
            finished.countDown();
        }
        if (summary.sendErrors() > 0 || (summary.read() > 0 && summary.sent() == 0)) {
            err.println("replay: flows were not delivered (see above)");
            return 3;
        }
        return 0;
    }

    private static void showProgress(PrintWriter err, FlowReplayer replayer, boolean terminal) {
        FlowReplayer.Progress p = replayer.progress();
        String line = ProgressLine.render(p.sent(), p.expected(), p.elapsedNanos(), p.errors(), 30);
        if (terminal) {
            err.print("\r" + line + "   ");
        } else {
            err.println(line);
        }
        err.flush();
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        return e.getMessage();
    }

    /** Runs the command alone (the launcher registers it as {@code ./sif replay}). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplayCommand()).execute(args));
    }
}
