package sif.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final List<String> CLASSES = List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other");

    @Test
    void macroAveragesOverClassesPresentInTheLabelsOnly() {
        int[] y = {0, 0, 1, 1, 3, 3};
        int[] p = {0, 1, 1, 1, 3, 3};
        Metrics m = new Metrics(CLASSES, y, p);
        assertEquals(List.of(0, 1, 3), m.presentClasses());
        assertEquals(5.0 / 6, m.accuracy(), 1e-12);
        assertEquals(1.0, m.precision(0), 1e-12);
        assertEquals(0.5, m.recall(0), 1e-12);
        assertEquals(2.0 / 3, m.precision(1), 1e-12);
        assertTrue(Double.isNaN(m.recall(2)), "absent class has undefined recall");
        double f0 = 2 * 1 * 0.5 / 1.5;
        double f1 = 2 * (2.0 / 3) * 1 / (2.0 / 3 + 1);
        assertEquals((f0 + f1 + 1) / 3, m.macroF1(), 1e-12);
        assertEquals((f0 * 2 + f1 * 2 + 2) / 6, m.weightedF1(), 1e-12);
        assertEquals(2.0 / 6, m.majorityAccuracy(), 1e-12);
        assertEquals(1, m.confusion()[0][1]);
    }
}
