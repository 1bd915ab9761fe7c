package sif.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sif.schemas.avro.Decision;
import sif.schemas.avro.Verdict;

class LiveViewTest {

    private static Verdict verdict(Decision d, String cls, String reason) {
        return Verdict.newBuilder().setFlowId("f").setSrcIp("10.0.0.1").setDstIp("10.0.0.2").setDstPort(80)
                .setProtocol(6).setEventTimeMs(1).setDecision(d).setPredictedClass(cls).setConfidence(0.9)
                .setProbabilities(Map.of(cls, 0.9)).setModelVersion("m").setReasons(List.of(reason))
                .setIngestTimeMs(1000).setVerdictTimeMs(1010).build();
    }

    private static VerdictTally demoLikeTally() {
        VerdictTally t = new VerdictTally();
        for (int i = 0; i < 15_000; i++) {
            t.verdict(verdict(Decision.ALLOW, "BENIGN", "model:BENIGN p=0.99=>ALLOW"));
        }
        for (String cls : List.of("PortScan", "DDoS", "Other")) {
            for (int i = 0; i < 3_000; i++) {
                t.verdict(verdict(Decision.BLOCK, cls, "model:" + cls + " p=0.99>0.85=>BLOCK"));
            }
        }
        return t;
    }

    /**
     * The view moves up its 6 rows to redraw: a line longer than the terminal wraps onto a seventh row, and
     * on an 80-column terminal (the rules line is ~116 characters) each refresh left a stale line behind.
     */
    @Test
    void everyInPlaceLineFitsTheTerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, true, 80);
        view.render(demoLikeTally(), 24_000, 20_000_000_000L);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(6, lines.length);
        for (String line : lines) {
            String visible = line.replaceAll("\033\\[[0-9]*[A-Za-z]", "").replace("\r", "");
            assertTrue(visible.length() < 80, visible.length() + " columns: " + visible);
        }
    }

    /** The plain view's rate is over the 5 s since its previous line, not the last 1 s render. */
    /** A terminal that reports no size (0 × 0, as under {@code script}) is taken as 80 wide, not 1. */
    @Test
    void aTerminalWithoutASizeIsEightyWide() {
        assertEquals(80, LiveView.columns(null, "0 0\n"));
        assertEquals(80, LiveView.columns("0", null));
        assertEquals(80, LiveView.columns(null, "garbage"));
        assertEquals(80, LiveView.columns(null, null));
        assertEquals(132, LiveView.columns(null, "50 132\n"));
        assertEquals(100, LiveView.columns("100", "50 132"));
    }

    @Test
    void thePlainRateIsSinceThePreviousLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false);
        VerdictTally t = demoLikeTally();
        view.render(t, 1_000, 1_000_000_000L); // first line: 1,000 in 1 s
        for (int s = 2; s <= 5; s++) {
            view.render(t, 1_000 + (s - 1) * 2_000L, s * 1_000_000_000L);
        }
        view.render(t, 11_000, 6_000_000_000L); // 10,000 more in the 5 s since the first line; 2,000 in the last 1 s
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].contains("in=1000 (1000/s)"), lines[0]);
        assertTrue(lines[1].contains("in=11000 (2000/s)"), lines[1]);
    }
}
