package sif.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import sif.schemas.avro.Decision;
import sif.schemas.avro.Verdict;

class VerdictTallyTest {

    private static Verdict verdict(Decision d, String cls, List<String> reasons, long ingest, long decided) {
        return Verdict.newBuilder().setFlowId("f").setSrcIp("10.0.0.1").setDstIp("10.0.0.2").setDstPort(80)
                .setProtocol(6).setEventTimeMs(1).setDecision(d).setPredictedClass(cls).setConfidence(0.9)
                .setProbabilities(Map.of(cls, 0.9)).setModelVersion("m").setReasons(reasons)
                .setIngestTimeMs(ingest).setVerdictTimeMs(decided).build();
    }

    @Test
    void theDecidingRuleIsTheLastReasonThatSetTheFinalDecision() {
        Verdict v = verdict(Decision.BLOCK, "BENIGN", List.of("identity:UNKNOWN no identity bound to 10.0.0.1",
                "model:BENIGN p=0.990=>ALLOW", "zero-trust:UNKNOWN=>BLOCK"), 0, 0);
        assertEquals("zero-trust:UNKNOWN=>BLOCK", VerdictTally.decidingRule(v));
        Verdict m = verdict(Decision.BLOCK, "DDoS", List.of("model:DDoS p=0.990>0.850=>BLOCK"), 0, 0);
        assertEquals("model:DDoS=>BLOCK", VerdictTally.decidingRule(m));
        assertEquals("-", VerdictTally.decidingRule(verdict(Decision.ALLOW, "BENIGN", List.of(), 0, 0)));
        // outside the model's training range: the range rule decided; its inputs go
        Verdict o = verdict(Decision.ALERT, "BENIGN", List.of("identity:TRUSTED spiffe://x", "model:BENIGN p=0.990=>ALLOW",
                "model-out-of-range:BENIGN [SYN Flag Count,ACK Flag Count]=>ALERT"), 0, 0);
        assertEquals("model-out-of-range:BENIGN=>ALERT", VerdictTally.decidingRule(o));
        // the threshold policy's rule ids (zero trust off): the last one, cut before the inputs
        Verdict t = verdict(Decision.ALERT, "BENIGN", List.of("model.benign.allow",
                "model.input.out-of-range [Flow IAT Min,SYN Flag Count]"), 0, 0);
        assertEquals("model.input.out-of-range=>ALERT", VerdictTally.decidingRule(t));
    }

    @Test
    void countsByDecisionClassAndDeadLetterAndLatencyPercentiles() {
        VerdictTally t = new VerdictTally();
        for (int i = 1; i <= 100; i++) {
            t.verdict(verdict(i % 2 == 0 ? Decision.ALLOW : Decision.BLOCK, i % 2 == 0 ? "BENIGN" : "DDoS",
                    List.of("model:x=>" + (i % 2 == 0 ? "ALLOW" : "BLOCK")), 1_000, 1_000 + i));
        }
        t.deadLetter();
        assertEquals(50, t.decision("ALLOW"));
        assertEquals(50, t.decision("BLOCK"));
        assertEquals(0, t.decision("ALERT"));
        assertEquals(1, t.dlq());
        assertEquals(101, t.total());
        assertEquals(Map.of("BENIGN", 50L, "DDoS", 50L), t.byClass());
        assertEquals(50, t.latencyPercentile(0.50));
        assertEquals(99, t.latencyPercentile(0.99));
    }

    /** A status line counts the same verdicts in every figure while verdicts keep arriving. */
    @Test
    void aStatusLineIsConsistentWhileVerdictsArrive() throws Exception {
        VerdictTally t = new VerdictTally();
        Verdict v = verdict(Decision.ALLOW, "BENIGN", List.of("model:BENIGN p=0.990=>ALLOW"), 1_000, 1_001);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread feeder = new Thread(() -> {
            while (!stop.get()) {
                t.verdict(v);
            }
        });
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        LiveView view = view(bytes, false);
        feeder.start();
        try {
            while (t.total() == 0) {
                Thread.onSpinWait();
            }
            for (int i = 1; i <= 300; i++) { // every line drawn while verdicts keep arriving
                view.render(t, 0, i * 5_000_000_000L);
            }
        } finally {
            stop.set(true);
            feeder.join();
        }
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("allowed=(\\d+) .* model:BENIGN=>ALLOW ([\\d,]+) ");
        int lines = 0;
        for (String line : bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            java.util.regex.Matcher m = p.matcher(line);
            if (m.find()) {
                lines++;
                assertEquals(m.group(1), m.group(2).replace(",", ""), line);
            }
        }
        assertEquals(300, lines, bytes.toString());
    }

    /** Without a terminal: no line before the first verdict (it showed zeros), then one at the first verdicts. */
    @Test
    void thePlainViewStartsAtTheFirstVerdicts() {
        VerdictTally t = new VerdictTally();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        LiveView view = view(bytes, false);
        view.render(t, 49, 1_000_000_000L);
        assertEquals("", bytes.toString(), "flows sent, no verdict yet: nothing printed");
        t.verdict(verdict(Decision.ALLOW, "BENIGN", List.of("model:BENIGN p=0.990=>ALLOW"), 1_000, 1_001));
        view.render(t, 60, 2_000_000_000L);
        org.junit.jupiter.api.Assertions.assertTrue(bytes.toString().startsWith("[  2s] in=60 ") && bytes.toString()
                .contains("allowed=1"), bytes.toString());
        view.render(t, 70, 3_000_000_000L);
        assertEquals(1, bytes.toString().split("\n").length, "the next line 5 s later");
    }

    /** In place, the view redraws over itself, but not over a line printed below it in between. */
    @Test
    void theLiveViewDoesNotDrawOverALinePrintedBelowIt() {
        VerdictTally t = new VerdictTally();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        LiveView view = view(bytes, true);
        view.render(t, 0, 1);
        bytes.reset();
        view.render(t, 0, 2);
        org.junit.jupiter.api.Assertions.assertTrue(bytes.toString().startsWith("\033[6A"), "redrawn in place");
        bytes.reset();
        view.lineWritten();
        view.render(t, 0, 3);
        org.junit.jupiter.api.Assertions.assertFalse(bytes.toString().contains("\033[6A"), "drawn below the line");
    }

    @Test
    void theLauncherOffersEveryUserTask() {
        CommandLine cli = new CommandLine(new Main());
        for (String task : List.of("demo", "replay", "firewall", "train", "evaluate", "cross-eval", "flows", "lab", "broker", "bench")) {
            assertEquals(true, cli.getSubcommands().containsKey(task), task);
        }
    }

    /** A view printing into {@code bytes}, in place (a terminal) or not, of real flows. */
    private static LiveView view(java.io.ByteArrayOutputStream bytes, boolean inPlace) {
        return new LiveView(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), inPlace, false);
    }
}
