package sif.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import sif.bench.BenchCommand;
import sif.firewall.FirewallCommand;
import sif.model.train.CrossDatasetCommand;
import sif.model.train.EvaluateCommand;
import sif.model.train.TrainCommand;
import sif.pcap.FlowsCommand;
import sif.pcap.lab.LabCommand;
import sif.producer.ReplayCommand;

/** {@code ./sif}: the one entry point for every user task. */
@Command(name = "sif", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = {"SIF, a streaming intelligent firewall on Kafka: CICFlowMeter flows in, an LSTM per "
                + "source IP, zero trust and policy, allow / block / alert out.", ""},
        footer = {"", "Also: sif build   rebuild (mvn -DskipTests install); ./sif rebuilds by itself when sources changed.",
                "Environment: SIF_JAVA_OPTS (JVM options), SIF_CDS=0 (no class-data sharing), SIF_DEBUG=1 (stack traces)."},
        subcommands = {
                DemoCommand.class,
                ReplayCommand.class,
                FirewallCommand.class,
                TrainCommand.class,
                EvaluateCommand.class,
                CrossDatasetCommand.class,
                FlowsCommand.class,
                LabCommand.class,
                BenchCommand.class,
                BrokerCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final String VERSION = "SIF 0.1.0";

    public static void main(String[] args) {
        int code = commandLine().setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::userError).execute(args);
        System.exit(code);
    }

    /** The command tree; every subcommand answers {@code -V} with SIF's version (theirs declare none). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().version(VERSION);
        }
        return cl;
    }

    /**
     * A bad argument, a missing file or a model that cannot be loaded ends with one line naming the
     * problem ({@code <command>: <what>}), not a stack trace; anything else is a bug and keeps its
     * trace. {@code SIF_DEBUG=1} shows the trace always.
     */
    static int userError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (!isUserError(e) || "1".equals(System.getenv("SIF_DEBUG"))) {
            throw e;
        }
        cmd.getErr().println(cmd.getCommandName() + ": " + message(e)); // the prefix the commands use themselves
        cmd.getErr().flush();
        return 2;
    }

    static boolean isUserError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof java.io.IOException
                    || t instanceof java.io.UncheckedIOException
                    || t instanceof sif.model.artifact.ModelArtifactException) {
                return true;
            }
        }
        return false;
    }

    static String message(Throwable e) {
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t.getMessage();
            if (t instanceof java.nio.file.NoSuchFileException && text != null && !text.contains("no such file")) {
                text = "no such file or directory: " + text;
            } else if (t instanceof java.nio.file.FileSystemException fse && fse.getReason() == null
                    && fse.getFile() != null) {
                // these carry only the path: "flows: /x/f.csv" said nothing about what went wrong
                String why = t instanceof java.nio.file.AccessDeniedException ? "permission denied"
                        : t instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                        : t instanceof java.nio.file.NotDirectoryException ? "not a directory"
                        : t instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty"
                        : "cannot use";
                text = why + ": " + fse.getFile();
            }
            if (text == null || m.indexOf(text) >= 0) {
                continue;
            }
            if (m.length() > 0) {
                m.append(": ");
            }
            m.append(text);
        }
        return m.length() == 0 ? e.toString() : m.toString();
    }
}
