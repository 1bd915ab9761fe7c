package sif.pcap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sif.flows.DataPaths;
import sif.flows.FlowFeatures;
import sif.flows.FlowRecord;

/**
 * A capture damaged in transit or on disk, or made to hurt: the real lab capture with bytes
 * overwritten at random (seeded). Reading it either gives flows or stops with a
 * {@link CaptureFormatException} that names the byte offset, after emitting the flows read so far;
 * no other exception, and every emitted feature is a finite number or one CICFlowMeter itself leaves
 * undefined for the degenerate flow it belongs to ({@link FlowFeatures#undefinedByCicFlowMeter}:
 * the damage makes zero-duration and one-packet flows). The decoder alone gets every
 * packet of the capture with bytes overwritten and must skip what it cannot read, never throw.
 */
class CaptureMutationTest {

    @TempDir
    Path dir;

    private static byte[] labCapture() throws IOException {
        Path pcap = DataPaths.labReference().resolve("capture.pcap");
        assumeTrue(Files.isRegularFile(pcap), "lab reference capture not found at " + pcap + "; mutations not run");
        return Files.readAllBytes(pcap);
    }

    @Test
    void aDamagedCaptureGivesFlowsOrAFormatErrorNothingElse() throws IOException {
        byte[] original = labCapture();
        int formatErrors = 0;
        int whole = 0;
        int undefinedValues = 0;
        for (int seed = 1; seed <= 12; seed++) {
            Random random = new Random(seed);
            byte[] bytes = original.clone();
            int damaged = 1 + random.nextInt(seed % 3 == 0 ? 5 : 400);
            for (int i = 0; i < damaged; i++) {
                // the global header stays readable in most runs, so the damage reaches the packets
                int at = 24 + random.nextInt(bytes.length - 24);
                bytes[at] = (byte) random.nextInt(256);
            }
            Path file = dir.resolve("damaged-" + seed + ".pcap");
            Files.write(file, bytes);
            for (CicMode mode : CicMode.values()) {
                ExtractorConfig config = ExtractorConfig.defaults(mode);
                if (seed % 2 == 0) {
                    config = new ExtractorConfig(mode, config.flowTimeout(), config.activityTimeout(),
                            config.snapshotInterval(), true, config.maxOpenFlows());
                }
                List<FlowRecord> flows = new ArrayList<>();
                try {
                    PcapFlows.extract(file, config, flows::add);
                    whole++;
                } catch (CaptureFormatException e) {
                    formatErrors++;
                    assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + " (" + damaged + " bytes overwritten), " + mode
                            + ": " + e, e);
                }
                for (FlowRecord f : flows) {
                    double[] x = f.features();
                    for (int k = 0; k < x.length; k++) {
                        boolean undefined = !Double.isFinite(x[k]) && FlowFeatures.undefinedByCicFlowMeter(k, x[k], x);
                        assertTrue(Double.isFinite(x[k]) || undefined, "seed " + seed + ", " + mode + ": flow "
                                + f.flowId() + " has " + FlowFeatures.ALL.get(k).fieldName() + "=" + x[k]);
                        if (undefined) {
                            undefinedValues++;
                        }
                    }
                }
            }
        }
        // both outcomes happen: the damage reaches record headers (format errors) and packets only; and the
        // check of the values can fail: degenerate flows (one-packet, zero-duration) were among those read
        assertTrue(formatErrors > 0 && whole > 0 && undefinedValues > 0, "format errors " + formatErrors
                + ", whole reads " + whole + ", undefined values " + undefinedValues);
    }

    @Test
    void theDecoderSkipsWhatItCannotReadInDamagedPackets() throws IOException {
        Path pcap = DataPaths.labReference().resolve("capture.pcap");
        assumeTrue(Files.isRegularFile(pcap), "lab reference capture not found at " + pcap + "; mutations not run");
        Random random = new Random(20261203L);
        PacketDecoder v4 = new PacketDecoder(false);
        PacketDecoder v6 = new PacketDecoder(true);
        PacketInfo info = new PacketInfo();
        RawPacket raw = new RawPacket();
        long packets = 0;
        long skipped = 0;
        try (CaptureReader reader = CaptureReader.open(pcap)) {
            while (reader.next(raw)) {
                packets++;
                byte[] data = java.util.Arrays.copyOfRange(raw.data, raw.offset, raw.offset + raw.length);
                for (int round = 0; round < 4; round++) {
                    byte[] damaged = data.clone();
                    for (int i = 0, n = 1 + random.nextInt(8); i < n && damaged.length > 0; i++) {
                        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                    }
                    if (round == 3 && damaged.length > 1) {
                        damaged = java.util.Arrays.copyOf(damaged, random.nextInt(damaged.length));
                    }
                    RawPacket p = new RawPacket();
                    p.timestampMicros = raw.timestampMicros;
                    p.linkType = raw.linkType;
                    p.data = damaged;
                    p.offset = 0;
                    p.length = damaged.length;
                    p.originalLength = raw.originalLength;
                    for (PacketDecoder decoder : List.of(v4, v6)) {
                        try {
                            if (!decoder.decode(p, info)) {
                                skipped++;
                            }
                        } catch (RuntimeException e) {
                            throw new AssertionError("packet " + packets + " round " + round + ": " + e, e);
                        }
                    }
                }
            }
        }
        assertTrue(packets > 10_000 && skipped > 0, packets + " packets, " + skipped + " skipped");
    }
}
