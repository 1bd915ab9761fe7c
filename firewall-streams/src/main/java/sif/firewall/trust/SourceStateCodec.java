package sif.firewall.trust;

import sif.trust.SourceState;

/**
 * Binary values of {@value ZeroTrustProcessor#SOURCE_STORE} (key: source address), format 1: version,
 * principal, credentialSerial (strings), verifiedAtMs (long), flowsSinceVerification (varint),
 * lastChallengeMs, lastSeenMs (longs), lastStatus (code). See {@link StoreCodec} for the primitives.
 */
public final class SourceStateCodec extends StoreCodec<SourceState> {

    public static final SourceStateCodec INSTANCE = new SourceStateCodec();

    private SourceStateCodec() {
        super(ZeroTrustProcessor.SOURCE_STORE, SourceState.class, 1, 64);
    }

    @Override
    protected void write(SourceState s, Writer out) {
        out.writeString(s.principal());
        out.writeString(s.credentialSerial());
        out.writeLong(s.verifiedAtMs());
        out.writeVarLong(s.flowsSinceVerification());
        out.writeLong(s.lastChallengeMs());
        out.writeLong(s.lastSeenMs());
        out.writeEnum(s.lastStatus(), TrustCodes.IDENTITY_STATUS);
    }

    @Override
    protected SourceState read(Reader in) {
        return new SourceState(in.readString(), in.readString(), in.readLong(), in.readVarLong(), in.readLong(),
                in.readLong(), in.readEnum(TrustCodes.IDENTITY_STATUS));
    }
}
