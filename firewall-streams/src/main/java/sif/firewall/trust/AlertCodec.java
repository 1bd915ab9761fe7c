package sif.firewall.trust;

import java.util.UUID;
import sif.policy.alerts.Alert;

/**
 * Binary values of {@value AlertAggregationProcessor#STORE} (key: source|class), format 1: the
 * counters, times, ids and samples of an open {@link Alert}, from which the ECS/OCSF document is
 * rendered only when one is emitted. Fields in order: version, alertId (16-byte UUID), srcIp,
 * alertClass (strings), count (varint), firstSeenMs, lastSeenMs (longs), decision (code),
 * decidingRule (string), reasons (front-coded strings), maxConfidence (double), principal
 * (string), identityStatus (code), lastSrcPort (varint), lastDstIp (string), lastDstPort,
 * protocol (varints), destinations (front-coded strings), dstPorts (varints), flowIds
 * (front-coded strings), modelVersion (string), sequence, emittedCount (varints), lastEmittedMs
 * (long). Format 2 adds lastActivityMs (long); format 1 values are read with it equal to lastSeenMs.
 * See {@link StoreCodec}.
 */
public final class AlertCodec extends StoreCodec<Alert> {

    public static final AlertCodec INSTANCE = new AlertCodec();

    private AlertCodec() {
        super(AlertAggregationProcessor.STORE, Alert.class, 2, 512);
    }

    @Override
    protected void write(Alert a, Writer out) {
        UUID id = UUID.fromString(a.alertId());
        if (!id.toString().equals(a.alertId())) {
            throw new IllegalArgumentException("alert id '" + a.alertId() + "' is not a canonical UUID");
        }
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
        out.writeString(a.srcIp());
        out.writeString(a.alertClass());
        out.writeVarLong(a.count());
        out.writeLong(a.firstSeenMs());
        out.writeLong(a.lastSeenMs());
        out.writeEnum(a.decision(), TrustCodes.DECISION);
        out.writeString(a.decidingRule());
        out.writeStrings(a.reasons());
        out.writeDouble(a.maxConfidence());
        out.writeString(a.principal());
        out.writeEnum(a.identityStatus(), TrustCodes.IDENTITY_STATUS);
        out.writeVarInt(a.lastSrcPort());
        out.writeString(a.lastDstIp());
        out.writeVarInt(a.lastDstPort());
        out.writeVarInt(a.protocol());
        out.writeStrings(a.destinations());
        out.writeInts(a.dstPorts());
        out.writeStrings(a.flowIds());
        out.writeString(a.modelVersion());
        out.writeVarInt(a.sequence());
        out.writeVarLong(a.emittedCount());
        out.writeLong(a.lastEmittedMs());
        out.writeLong(a.lastActivityMs());
    }

    @Override
    protected Alert read(Reader in) {
        return read(in, true);
    }

    @Override
    protected int oldestReadable() {
        return 1;
    }

    /** Format 1: the fields of format 2 but lastActivityMs, which is then lastSeenMs. */
    @Override
    protected Alert readOlder(Reader in, int version) {
        return read(in, false);
    }

    private static Alert read(Reader in, boolean withActivity) {
        String id = new UUID(in.readLong(), in.readLong()).toString();
        String srcIp = in.readString();
        String alertClass = in.readString();
        long count = in.readVarLong();
        long firstSeen = in.readLong();
        long lastSeen = in.readLong();
        return new Alert(id, srcIp, alertClass, count, firstSeen, lastSeen, in.readEnum(TrustCodes.DECISION),
                in.readString(), in.readStrings(), in.readDouble(), in.readString(),
                in.readEnum(TrustCodes.IDENTITY_STATUS), in.readVarInt(), in.readString(), in.readVarInt(),
                in.readVarInt(), in.readStrings(), in.readInts(), in.readStrings(), in.readString(), in.readVarInt(),
                in.readVarLong(), in.readLong(), withActivity ? in.readLong() : lastSeen);
    }
}
