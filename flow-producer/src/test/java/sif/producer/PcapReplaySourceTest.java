package sif.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;
import sif.pcap.CicMode;
import sif.pcap.ExtractorConfig;

class PcapReplaySourceTest {

    @Test
    void pacedByTheFlowsLastPacket(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("a.pcap"), new byte[0]);
        PcapReplaySource s = new PcapReplaySource(f, ExtractorConfig.defaults(CicMode.V4), null);
        double[] features = new double[FlowFeatures.COUNT];
        features[FlowFeatures.indexOfCsvName("Flow Duration")] = 2_500_000; // µs
        FlowRecord r = new FlowRecord("x", "10.0.0.1", 1, "10.0.0.2", 80, 6, 10_000, features, null, "a.pcap", 1);
        assertEquals(12_500, s.paceTimeMs(r));
        FlowRecord noTime = new FlowRecord("y", "10.0.0.1", 1, "10.0.0.2", 80, 6, -1, features, null, "a.pcap", 1);
        assertEquals(-1, s.paceTimeMs(noTime));
        assertTrue(s.describe().contains("v4") && s.describe().contains("unlabelled"), s.describe());
    }

    @Test
    void aDirectoryWithoutCapturesIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "x");
        IOException e = assertThrows(IOException.class,
                () -> new PcapReplaySource(dir, ExtractorConfig.defaults(CicMode.V4), null));
        assertTrue(e.getMessage().contains("no capture files"), e.getMessage());
    }
}
