package sif.producer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sif.flows.FlowCsvReader;
import sif.pcap.CicMode;
import sif.pcap.ExtractorConfig;
import sif.pcap.lab.LabLabels;
import sif.producer.identity.IdentityEmitter;
import sif.producer.identity.IdentitySchedule;
import sif.metrics.HealthCheck;
import sif.metrics.MetricsServer;
import sif.producer.metrics.ProducerMetrics;
import sif.producer.synthetic.SyntheticProfiles;
import sif.producer.synthetic.SyntheticScenario;
import sif.schemas.Topics;

/**
 * {@code ./sif replay}: CICIDS2017 CSV files or directories, flows extracted from captures, or the
 * SYNTHETIC scenario → Kafka, Avro {@code NetworkFlow} keyed by source IP; optionally SIMULATED
 * identity events for the internal hosts and a Prometheus {@code /metrics} endpoint.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Replays flows to Kafka as Avro NetworkFlow records keyed by source IP, from one of these sources.",
            "  PATH...             CICIDS2017 / CICFlowMeter CSV files or directories, in event-time order (stable "
                    + "sort by timestamp; file, then line order breaks ties). Every real-world quirk of the published "
                    + "CSVs is read; malformed rows are skipped and reported. Rows without a source IP "
                    + "(MachineLearningCVE layout) cannot be keyed and are skipped with that reason.",
            "  --pcap FILE|DIR     flows extracted directly from captures (CICFlowMeter-compatible, --pcap-mode), "
                    + "in the order they end; label null unless --labels is given.",
            "  --synthetic         an endless SYNTHETIC scenario drawn from per-class distributions fitted on real "
                    + "CICIDS2017 rows (not real traffic); stop it with --limit or Ctrl-C.",
            "With --identities, SIMULATED identity events for the internal hosts (default the CICIDS2017 victim "
                    + "network 192.168.10.0/24) go to the identity topic before those hosts' flows."},
        footer = {"", "Exit codes: 0 done; 1 cannot start (unreadable input, unreachable broker, missing topic, bad "
                + "config); 2 usage error; 3 finished but flows were not delivered (send errors, or nothing sendable)."})
public final class ReplayCommand implements Callable<Integer> {

    /** The longest {@code --connect-timeout}: a day (the admin client takes milliseconds as an int). */
    static final int MAX_CONNECT_TIMEOUT_SECONDS = 86_400;
    /** The longest {@code --identity-rotate-minutes}: a year. */
    static final double MAX_ROTATE_MINUTES = 525_600;

    /** Default seed of {@code --synthetic} (as in {@code ./sif demo}). */
    public static final long DEFAULT_SEED = 2017;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "CSV files or directories (a directory: its *.csv files, sorted by name)")
    List<Path> paths;

    @Option(names = "--pcap", paramLabel = "FILE|DIR",
            description = "replay flows extracted from a capture (pcap/pcapng) or a directory of captures (in the "
                    + "order of their first packet, tcpdump's rotated files included; one flow table across files) "
                    + "instead of CSVs")
    Path pcap;

    @Option(names = "--pcap-mode", paramLabel = "v4|engelen", defaultValue = "v4",
            description = "with --pcap: v4 = CICFlowMeter V4.0 (what CICIDS2017 and the model were made with), "
                    + "engelen = the corrected extractor of Engelen et al. (default ${DEFAULT-VALUE})")
    String pcapMode;

    @Option(names = "--pcap-ipv6", description = "with --pcap: also extract IPv6 flows (CICFlowMeter V4.0 drops them; "
            + "so does the default)")
    boolean pcapIpv6;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "with --pcap: ground-truth labels CSV src_ip,start_epoch_ms,end_epoch_ms,label (the lab "
                    + "format); a flow gets the label of the first phase whose host is its source or destination "
                    + "and whose window (-1 s/+2 s) holds its start. Without it, labels are null")
    Path labelsFile;

    @Option(names = "--synthetic",
            description = "replay the built-in SYNTHETIC scenario (fitted on real CICIDS2017 rows) instead of files; "
                    + "endless: stops at --limit or Ctrl-C; event times are the wall clock")
    boolean synthetic;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + DEFAULT_SEED,
            description = "with --synthetic: random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: bootstrap.servers of --config, else localhost:9092)")
    String bootstrapServers;

    @Option(names = "--topic", description = "target topic (default: sif.topic.input of --config, else flows)")
    String topic;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "at most N flows per second (0 = unlimited; default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--speedup", paramLabel = "X", defaultValue = "0",
            description = "pace by the flows' timestamps (with --pcap: by packet time, each flow released at its last "
                    + "packet), X times faster than recorded (0 = off: as fast as possible; default ${DEFAULT-VALUE})")
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

    @Option(names = "--identities",
            description = "also produce SIMULATED identity events (Avro IdentityEvent, key = principal "
                    + "spiffe://cicids2017.sim/host/<ip>) to the identity topic (sif.topic.identity, default identity): "
                    + "each internal source is ISSUED an identity 1 s (event time) before its first flow, then ROTATED "
                    + "every --identity-rotate-minutes; outside sources (attackers) get none")
    boolean identities;

    @Option(names = "--identity-rotate-minutes", paramLabel = "MIN", defaultValue = "4",
            description = "with --identities: re-verification period in event-time minutes (default ${DEFAULT-VALUE}, "
                    + "under the firewall's 5-minute freshness rule)")
    double identityRotateMinutes;

    @Option(names = "--identity-rotate-flows", paramLabel = "N", defaultValue = "" + IdentitySchedule.DEFAULT_ROTATE_EVERY_FLOWS,
            description = "with --identities: a host is also re-verified after N flows since its last event (default "
                    + "${DEFAULT-VALUE}, under the firewall's trust.max.flows = 500; set it below that setting)")
    int identityRotateFlows;

    @Option(names = "--identity-network", paramLabel = "CIDR", defaultValue = IdentitySchedule.DEFAULT_NETWORK,
            description = "with --identities: the internal network whose hosts get identities (default "
                    + "${DEFAULT-VALUE}, the CICIDS2017 victim network; e.g. 10.77.0.2/32, the benign client, for "
                    + "the lab capture, whose attacker is 10.77.0.3)")
    String identityNetwork;

    @Option(names = "--metrics-port", paramLabel = "N",
            description = "serve /metrics (Prometheus text: sif_producer_sent_total, sif_producer_errors_total, ...), "
                    + "/health/live and /health/ready on this port (0 = any free port; default: no endpoint; "
                    + "docker compose uses " + MetricsServer.DEFAULT_PRODUCER_PORT + ")")
    Integer metricsPort;

    @Option(names = "--create-topic", description = "create the topic (and with --identities the compacted identity "
            + "topic) if it does not exist")
    boolean createTopic;

    @Option(names = "--partitions", defaultValue = "4",
            description = "partitions for --create-topic (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "fail when the broker does not answer within this time (default ${DEFAULT-VALUE})")
    int connectTimeoutSeconds;

    @Option(names = "--config", paramLabel = "FILE",
            description = "properties file: bootstrap.servers, sif.topic.input, sif.topic.identity, schema.registry.url, "
                    + "producer settings")
    Path configFile;

    @Option(names = "--no-progress", description = "no progress bar on stderr")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String usage = usageError();
        if (usage == null) {
            usage = optionError();
        }
        if (usage != null) {
            err.println("replay: " + usage);
            err.println("Try 'replay --help' for the options.");
            return 2;
        }
        Map<String, Object> config;
        ReplayOptions options;
        Topics topics;
        IdentitySchedule schedule = null;
        try {
            Map<String, String> overrides = new HashMap<>();
            overrides.put(ReplayConfig.BOOTSTRAP_SERVERS, bootstrapServers);
            overrides.put(Topics.INPUT, topic);
            config = ReplayConfig.load(configFile, overrides);
            options = new ReplayOptions(ReplayConfig.topic(config), rate, speedup, limit, loop, maxWait);
            topics = Topics.from(config);
            if (createTopic && partitions <= 0) {
                throw new IllegalArgumentException("--partitions must be positive");
            }
            if (identities) {
                if (!(identityRotateMinutes > 0) || Double.isInfinite(identityRotateMinutes)) {
                    throw new IllegalArgumentException("--identity-rotate-minutes must be positive, got "
                            + identityRotateMinutes);
                }
                schedule = new IdentitySchedule(identityNetwork,
                        Duration.ofMillis(Math.round(identityRotateMinutes * 60_000)), IdentitySchedule.DEFAULT_LEAD,
                        identityRotateFlows);
                if (topics.identity().equals(options.topic())) {
                    throw new IllegalArgumentException("the identity topic and the flow topic are both '"
                            + options.topic() + "'");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
        FlowSource source;
        long expectedFlows;
        try {
            if (pcap != null) {
                CicMode mode;
                try {
                    mode = CicMode.parse(pcapMode);
                } catch (IllegalArgumentException e) {
                    err.println("replay: --pcap-mode: " + e.getMessage());
                    return 2;
                }
                LabLabels labels = labelsFile == null ? null : LabLabels.read(labelsFile);
                ExtractorConfig extractor = ExtractorConfig.defaults(mode).withIpv6(pcapIpv6);
                PcapReplaySource ps = new PcapReplaySource(pcap, extractor, labels);
                if (schedule != null) {
                    // flows come out of a capture when they end, stamped with their start: a later one may have
                    // started up to a flow timeout before a host's first. Its identity is issued that much earlier,
                    // so that no flow of the host precedes it (EXPIRED, never trusted)
                    schedule = new IdentitySchedule(identityNetwork, schedule.rotateEvery(),
                            IdentitySchedule.DEFAULT_LEAD.plus(extractor.flowTimeout()), schedule.rotateEveryFlows());
                }
                source = ps;
                expectedFlows = -1;
            } else if (synthetic) {
                source = FlowSource.of("SYNTHETIC scenario (seed " + seed + ")",
                        () -> new SyntheticScenario(SyntheticProfiles.builtIn(), seed, Clock.systemUTC()));
                expectedFlows = -1;
            } else {
                CsvFlowSource csv = new CsvFlowSource(paths,
                        FlowCsvReader.Options.DEFAULT.withIncludeSubdirs(includeSubdirs));
                err.println("replay: scanning " + csv.files().size() + " file(s) for event-time order ...");
                csv.scan();
                source = csv;
                expectedFlows = csv.flowsPerPass();
            }
        } catch (IOException e) {
            err.println("replay: cannot read input: " + describe(e));
            return 1;
        }
        Duration connectTimeout = Duration.ofSeconds(connectTimeoutSeconds);
        try {
            FlowReplayer.checkBroker(config, options.topic(), connectTimeout, createTopic ? partitions : 0);
            if (identities) {
                FlowReplayer.checkBroker(config, topics.identity(), connectTimeout, createTopic ? partitions : 0,
                        topics.creationConfig(topics.identity()));
            }
        } catch (ReplayException e) {
            err.println("replay: " + e.getMessage());
            return 1;
        }
        if (synthetic) {
            err.println("replay: SYNTHETIC flows: drawn from per-class distributions fitted on real CICIDS2017 rows; "
                    + "this is a demo stream, not real traffic");
        }
        err.printf("replay: %s from %s to topic '%s' at %s%n",
                expectedFlows >= 0 ? String.format("%,d flows", expectedFlows) : "flows", source.describe(),
                options.topic(), config.get(ReplayConfig.BOOTSTRAP_SERVERS));
        if (synthetic && limit == 0) {
            err.println("replay: no --limit: runs until Ctrl-C");
        }
        if (identities) {
            err.printf("replay: SIMULATED identities for the hosts of %s (rotated every %s of event time) to topic '%s'%n",
                    schedule.network(), ProgressLine.clock(schedule.rotateEvery().toMillis() / 1000.0), topics.identity());
        }

        ReplaySummary summary = null;
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean();
        IdentityEmitter emitter = null;
        MetricsServer endpoint = null;
        try (FlowReplayer replayer = FlowReplayer.create(config, options)) {
            if (identities) {
                emitter = IdentityEmitter.create(config, topics.identity(), schedule);
                replayer.beforeEachFlow(emitter);
            }
            if (metricsPort != null) {
                PrometheusMeterRegistry registry = ProducerMetrics.prometheus(replayer, emitter);
                try {
                    endpoint = MetricsServer.start(metricsPort, registry, HealthCheck.readiness(
                            () -> running.get() && !replayer.isStopped()));
                } catch (UncheckedIOException | IllegalArgumentException e) {
                    err.println("replay: --metrics-port: " + e.getMessage());
                    return 1;
                }
                err.printf("replay: metrics on http://localhost:%d/metrics%n", endpoint.port());
            }
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
            running.set(true);
            try {
                summary = replayer.replay(source);
            } catch (IOException e) {
                err.println();
                FlowReplayer.Progress p = replayer.progress();
                err.printf("replay: cannot read input: %s (%,d flows were sent before it, %,d failed)%n", describe(e),
                        p.sent(), p.errors());
                return 1;
            } finally {
                running.set(false);
                if (emitter != null) {
                    emitter.flush();
                }
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
            if (source instanceof PcapReplaySource ps && ps.lastCounts() != null) {
                // packets the extractor skipped (IPv6 without --pcap-ipv6, fragments, other protocols) make no
                // flow: said here, as ./sif flows says it
                out.println("  capture: " + ps.lastCounts()
                        + (ps.lastCounts().skipped(sif.pcap.PacketDecoder.Skip.IPV6_DISABLED) > 0
                                ? " (--pcap-ipv6 extracts IPv6 flows)" : ""));
            }
            if (synthetic) {
                out.println("  flows were SYNTHETIC (drawn from distributions fitted on real CICIDS2017 rows)");
            }
            if (emitter != null) {
                out.println("  " + emitter.describe());
                if (schedule.hostCount() == 0 && summary != null && summary.sent() > 0) {
                    err.println("replay: warning: --identities gave no source an identity: none of the flows' sources "
                            + "is inside --identity-network " + schedule.network() + ", so the firewall trusts none "
                            + "of them (the lab capture's benign client is 10.77.0.2/32)");
                }
            }
            out.flush();
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("replay: Kafka producer failed: " + e.getMessage());
            return 1;
        } finally {
            if (emitter != null) {
                emitter.close();
            }
            if (endpoint != null) {
                endpoint.close();
            }
            finished.countDown();
        }
        if (summary.read() == 0) {
            // every row malformed, a capture with nothing decodable, an empty file: nothing was sendable
            err.println("replay: no flows read from the input, nothing was sent (see above)");
            return 3;
        }
        if (summary.sendErrors() > 0 || summary.sent() == 0 || (emitter != null && emitter.errorsTotal() > 0)) {
            err.println("replay: flows were not delivered (see above)");
            return 3;
        }
        return 0;
    }

    /** The reason the source options do not make sense together, or null. */
    private String usageError() {
        boolean csv = paths != null && !paths.isEmpty();
        int sources = (csv ? 1 : 0) + (pcap != null ? 1 : 0) + (synthetic ? 1 : 0);
        if (sources == 0) {
            return "nothing to replay: give CSV PATHs, --pcap FILE|DIR or --synthetic";
        }
        if (sources > 1) {
            return "give exactly one source: CSV PATHs, --pcap FILE|DIR or --synthetic";
        }
        if (labelsFile != null && pcap == null) {
            return "--labels applies to --pcap only (CSV rows carry their own labels)";
        }
        if (synthetic && speedup > 0) {
            return "--speedup paces by recorded time, but synthetic flows are generated now; use --rate";
        }
        if (includeSubdirs && !csv) {
            return "--include-subdirs applies to CSV directories only";
        }
        return null;
    }

    /**
     * The reason an option's value is out of range, or null: a usage error (exit 2), found before the
     * configuration is read (the pacing options by {@link ReplayOptions}' own checks).
     */
    private String optionError() {
        try {
            new ReplayOptions("-", rate, speedup, limit, loop, maxWait); // its checks of --rate, --speedup, --limit, ...
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (createTopic && partitions <= 0) {
            return "--partitions must be positive, got " + partitions;
        }
        if (connectTimeoutSeconds <= 0 || connectTimeoutSeconds > MAX_CONNECT_TIMEOUT_SECONDS) {
            return "--connect-timeout must be 1.." + MAX_CONNECT_TIMEOUT_SECONDS + " seconds, got " + connectTimeoutSeconds;
        }
        if (identities) {
            if (!(Math.round(identityRotateMinutes * 60_000) >= 1) || identityRotateMinutes > MAX_ROTATE_MINUTES) {
                return "--identity-rotate-minutes must be at least a millisecond and at most " + MAX_ROTATE_MINUTES
                        + " (a year), got " + identityRotateMinutes;
            }
            if (identityRotateFlows <= 0) {
                return "--identity-rotate-flows must be positive, got " + identityRotateFlows;
            }
            try {
                sif.trust.Cidr.parse(identityNetwork);
            } catch (IllegalArgumentException e) {
                return "--identity-network: " + e.getMessage();
            }
        }
        return null;
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
