package sif.producer.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

class SyntheticScenarioTest {

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void builtInProfileHasTheClassesOfTheRealRows() {
        List<ClassProfile> profiles = SyntheticProfiles.builtIn();
        Set<String> names = new HashSet<>();
        profiles.forEach(p -> names.add(p.className()));
        assertEquals(Set.of("BENIGN", "DDoS", "PortScan", "Other"), names, "DoS has no real rows to fit on");
        for (ClassProfile p : profiles) {
            assertEquals(FlowFeatures.COUNT, p.mean().length);
            assertEquals(FlowFeatures.COUNT, p.cholesky().length);
            assertTrue(p.rows() > 0);
        }
    }

    @Test
    void drawsStayInsideTheFittedRangesAndKeepIntegersIntegral() {
        Map<String, ClassProfile> byName = new HashMap<>();
        SyntheticProfiles.builtIn().forEach(p -> byName.put(p.className(), p));
        SyntheticScenario scenario = new SyntheticScenario(SyntheticProfiles.builtIn(), 7, FIXED);
        Map<String, Set<String>> sourcesByClass = new HashMap<>();
        for (int n = 0; n < 2_000; n++) {
            FlowRecord r = scenario.next();
            ClassProfile p = byName.get(r.label());
            for (int i = 0; i < FlowFeatures.COUNT; i++) {
                double v = r.features()[i];
                assertTrue(Double.isFinite(v));
                assertTrue(v >= p.min()[i] && v <= p.max()[i], FlowFeatures.ALL.get(i).csvName() + "=" + v);
                if (p.integer()[i]) {
                    assertEquals(Math.rint(v), v);
                }
            }
            assertEquals(FIXED.millis(), r.timestampMs());
            sourcesByClass.computeIfAbsent(r.label(), k -> new HashSet<>()).add(r.srcIp());
        }
        assertEquals(Set.of("172.16.0.12"), sourcesByClass.get("DDoS"));
        assertEquals(Set.of("172.16.0.11"), sourcesByClass.get("PortScan"));
        assertTrue(sourcesByClass.get("BENIGN").stream().allMatch(ip -> ip.startsWith("192.168.10.")));
    }

    @Test
    void sameSeedSameFlows() {
        SyntheticScenario a = new SyntheticScenario(SyntheticProfiles.builtIn(), 42, FIXED);
        SyntheticScenario b = new SyntheticScenario(SyntheticProfiles.builtIn(), 42, FIXED);
        for (int n = 0; n < 100; n++) {
            FlowRecord x = a.next();
            FlowRecord y = b.next();
            assertEquals(x.flowId(), y.flowId());
            assertArrayEquals(x.features(), y.features());
        }
    }
}
