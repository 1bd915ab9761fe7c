package sif.firewall.trust;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sif.schemas.Topics;

class IdentityTopicCheckTest {

    static final TrustConfig DEFAULTS = TrustConfig.defaults();

    @Test
    void aCompactedTopicWithoutLagIsReportedWithTheFix() {
        String w = IdentityTopicCheck.problem("identity", Map.of("cleanup.policy", "compact",
                "min.compaction.lag.ms", "0"), DEFAULTS);
        assertTrue(w != null && w.contains("'identity'") && w.contains("min.compaction.lag.ms=0 (< 3600000)")
                && w.contains("--add-config min.compaction.lag.ms=86400000"), w);
        // a missing key is the broker default, 0
        assertTrue(IdentityTopicCheck.problem("identity", Map.of("cleanup.policy", "compact,delete"), DEFAULTS) != null);
    }

    @Test
    void enoughLagOrNoCompactionIsFine() {
        assertNull(IdentityTopicCheck.problem("identity", Topics.defaults().creationConfig("identity"), DEFAULTS));
        assertNull(IdentityTopicCheck.problem("identity", Map.of("cleanup.policy", "compact",
                "min.compaction.lag.ms", "3600000"), DEFAULTS));
        assertNull(IdentityTopicCheck.problem("identity", Map.of("cleanup.policy", "delete"), DEFAULTS));
    }

    @Test
    void theLagMustCoverALongerFreshnessLimit() {
        TrustConfig twoHours = TrustConfig.from(k -> k.equals(TrustConfig.MAX_AGE_MS) ? "7200000"
                : k.equals(TrustConfig.SOURCE_IDLE_MS) ? "7500000" : "");
        assertTrue(IdentityTopicCheck.problem("identity", Map.of("cleanup.policy", "compact",
                "min.compaction.lag.ms", "3600000"), twoHours).contains("(< 7200000)"));
    }
}
