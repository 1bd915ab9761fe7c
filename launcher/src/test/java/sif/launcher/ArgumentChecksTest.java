package sif.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import sif.firewall.DlqHeaders;
import sif.firewall.DlqReason;

/** The launcher's commands refuse bad arguments before starting anything, and count what they should. */
class ArgumentChecksTest {

    private static DemoCommand demo(String... args) {
        DemoCommand d = new DemoCommand();
        new CommandLine(d).parseArgs(args);
        return d;
    }

    @Test
    void theDemoChecksEveryNumberBeforeItStarts() {
        assertNull(demo().badArguments());
        assertNull(demo("--duration", "30", "--rate", "0", "--identity-rotate-seconds", "1").badArguments());
        for (List<String> bad : List.of(List.of("--duration", "0"), List.of("--duration", "NaN"),
                List.of("--rate", "-1"), List.of("--rate", "NaN"), List.of("--rate", "Infinity"),
                List.of("--identity-rotate-seconds", "0"))) {
            assertTrue(demo(bad.toArray(String[]::new)).badArguments() != null, bad.toString());
        }
    }

    /** A huge --duration overflowed the deadline into the past: the demo stopped after a second. */
    @Test
    void aHugeDurationIsAsLongAsNoDuration() {
        long now = System.nanoTime();
        assertEquals(Long.MAX_VALUE, demo().deadlineNanos(now));
        assertEquals(Long.MAX_VALUE, demo("--duration", "1e10").deadlineNanos(now));
        assertEquals(Long.MAX_VALUE, demo("--duration", "Infinity").deadlineNanos(now));
        assertEquals(now + 30_000_000_000L, demo("--duration", "30").deadlineNanos(now));
    }

    /** A re-verification period too long for the identity schedule's arithmetic: refused before anything starts. */
    @Test
    void aHugeRotationPeriodIsRefused() {
        assertTrue(demo("--identity-rotate-seconds", "9223372036854775807").badArguments()
                .startsWith("--identity-rotate-seconds must be 1.."));
        assertEquals(null, demo("--identity-rotate-seconds", String.valueOf(DemoCommand.MAX_ROTATE_SECONDS))
                .badArguments());
    }

    @Test
    void theBrokerRefusesAPortOrPartitionCountItCannotUse() {
        for (String[] args : new String[][] {{"--partitions", "0"}, {"--partitions", "-1"}, {"--port", "-5"},
                {"--port", "70000"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = new CommandLine(new BrokerCommand()).execute(args);
            } finally {
                System.setErr(old);
            }
            assertEquals(2, code, String.join(" ", args));
            // the message names the option that is wrong, not both
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("broker: " + args[0] + " must be"),
                    err.toString());
        }
    }

    /** A control record the firewall could not deserialize is dead-lettered too, but it is not a flow. */
    @Test
    void theDemoCountsDeadLettersOfFlowsOnly() {
        assertTrue(OutputCounter.isFlow(deadLetter(DlqReason.UNDECODABLE)));
        assertTrue(OutputCounter.isFlow(deadLetter(DlqReason.PRODUCTION_ERROR)));
        assertTrue(OutputCounter.isFlow(deadLetter(null)));
        assertFalse(OutputCounter.isFlow(deadLetter(DlqReason.DESERIALIZATION_ERROR)));
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String reason) {
        RecordHeaders h = new RecordHeaders();
        if (reason != null) {
            h.add(DlqHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("flows.dlq", 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, new byte[0], new byte[0],
                h, java.util.Optional.empty());
    }
}
