package sif.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateOriginTest {

    static final StateOrigin RECORDED = new StateOrigin("cluster-A", Map.of("identity", "id-1", "policy", "id-2"));

    @Test
    void theSameClusterAndTopicsKeepTheState() {
        assertNull(new StateOrigin("cluster-A", Map.of("identity", "id-1", "policy", "id-2")).mismatch(RECORDED));
    }

    @Test
    void anotherClusterDoesNot() {
        String why = new StateOrigin("cluster-B", Map.of("identity", "id-1", "policy", "id-2")).mismatch(RECORDED);
        assertEquals("it was built from cluster cluster-A and the brokers are now cluster cluster-B", why);
    }

    @Test
    void aTopicCreatedAgainDoesNot() {
        String why = new StateOrigin("cluster-A", Map.of("identity", "id-9", "policy", "id-2")).mismatch(RECORDED);
        assertEquals("topic identity was deleted and created again (id id-1, now id-9)", why);
    }

    @Test
    void aTopicOnOneSideOnlySaysNothingButIsRemembered() {
        StateOrigin now = new StateOrigin("cluster-A", Map.of("identity", "id-1", "blocklist", "id-3"));
        assertNull(now.mismatch(RECORDED), "policy missing now, blocklist new");
        StateOrigin next = now.keeping(RECORDED);
        assertEquals(Map.of("identity", "id-1", "policy", "id-2", "blocklist", "id-3"), next.topicIds());
        // the policy topic coming back under another id is still noticed
        assertTrue(new StateOrigin("cluster-A", Map.of("policy", "id-7")).mismatch(next).contains("topic policy"));
        // on another cluster nothing recorded is kept
        assertEquals(Map.of("identity", "id-1"), new StateOrigin("cluster-B", Map.of("identity", "id-1"))
                .keeping(RECORDED).topicIds());
    }

    @Test
    void writtenAndReadBack(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("sif-firewall");
        assertNull(StateOrigin.read(app), "nothing recorded yet");
        RECORDED.write(app);
        assertEquals(RECORDED, StateOrigin.read(app));
        new StateOrigin("cluster-B", Map.of()).write(app);
        assertEquals(new StateOrigin("cluster-B", Map.of()), StateOrigin.read(app), "replaced");
        assertEquals(1, Files.list(app).count(), "no temporary file left");
    }
}
