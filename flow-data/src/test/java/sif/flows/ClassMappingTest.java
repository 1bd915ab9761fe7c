package sif.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassMappingTest {

    @Test
    void fiveClasses() {
        ClassMapping m = ClassMapping.FIVE;
        assertEquals(List.of("BENIGN", "DDoS", "DoS", "PortScan", "Other"), m.classes());
        assertEquals(0, m.classOf("BENIGN"));
        assertEquals(1, m.classOf("DDoS"));
        for (String dos : List.of("DoS Hulk", "DoS GoldenEye", "DoS slowloris", "DoS Slowhttptest")) {
            assertEquals(2, m.classOf(dos), dos);
        }
        assertEquals(3, m.classOf("PortScan"));
        for (String other : List.of("Bot", "FTP-Patator", "SSH-Patator", "Web Attack \u0096 Brute Force",
                "Web Attack - XSS", "Web Attack \u2013 Sql Injection", "Infiltration", "Heartbleed")) {
            assertEquals(4, m.classOf(other), other);
        }
        assertEquals("DoS", m.classNameOf("dos hulk"));
        assertEquals(2, m.indexOfClassName("DoS"));
        assertEquals(-1, m.indexOfClassName("dos"));
    }

    @Test
    void fifteenClasses() {
        ClassMapping m = ClassMapping.FIFTEEN;
        assertEquals(Labels.ALL, m.classes());
        for (int i = 0; i < 15; i++) {
            assertEquals(i, m.classOf(Labels.ALL.get(i)));
        }
        assertEquals(11, m.classOf("Web Attack \u00c2\u0096 XSS"));
    }

    @Test
    void unknownLabelsAndNames() {
        assertThrows(IllegalArgumentException.class, () -> ClassMapping.FIVE.classOf("NeedManualLabel"));
        assertEquals(ClassMapping.FIVE, ClassMapping.parse("five"));
        assertEquals(ClassMapping.FIFTEEN, ClassMapping.parse("15"));
        assertThrows(IllegalArgumentException.class, () -> ClassMapping.parse("seven"));
    }
}
