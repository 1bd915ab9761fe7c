package sif.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import sif.model.train.CrossDatasetCommand;

/** What a user sees when a command fails: one line for their mistakes, the trace for our bugs. */
class MainTest {

    @Test
    void aMissingModelIsOneLineNotAStackTrace() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main()).setExecutionExceptionHandler(Main::userError);
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("evaluate", "--model", "/nonexistent-sif-model");
        assertEquals(2, code);
        String text = err.toString().strip();
        assertTrue(text.startsWith("evaluate: "), text);
        assertTrue(text.contains("/nonexistent-sif-model"), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
        assertEquals(1, text.lines().count(), text);
    }

    @Test
    void everySubcommandPrintsTheVersion() {
        for (String sub : new String[] {"demo", "replay", "firewall", "train", "bench", "broker"}) {
            StringWriter out = new StringWriter();
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(out));
            assertEquals(0, cmd.execute(sub, "-V"), sub);
            assertEquals(Main.VERSION, out.toString().strip(), sub);
        }
    }

    @Test
    void userErrorsAreRecognisedThroughTheirCauses() {
        assertTrue(Main.isUserError(new RuntimeException(new java.nio.file.NoSuchFileException("/x.pcap"))));
        assertFalse(Main.isUserError(new NullPointerException("a bug")));
        assertEquals("cannot read: no such file or directory: /x.pcap",
                Main.message(new RuntimeException("cannot read", new java.nio.file.NoSuchFileException("/x.pcap"))));
        // the JDK's exception carries the path only: "flows: /ro/f.csv" said nothing about what went wrong
        assertEquals("permission denied: /ro/f.csv",
                Main.message(new java.nio.file.AccessDeniedException("/ro/f.csv")));
    }

    /** The command line cross-eval records in the report names the subcommand once under ./sif. */
    @Test
    void crossEvalRecordsItsCommandLineWithTheSubcommandOnce() {
        CommandLine sif = new CommandLine(new Main());
        sif.parseArgs("cross-eval", "--reuse-model");
        assertEquals("./sif cross-eval --reuse-model",
                CrossDatasetCommand.commandLine(sif.getSubcommands().get("cross-eval").getCommandSpec()));
    }
}
