package sif.firewall.trust;

/**
 * Binary values of {@value BlocklistProcessor#STORE} (key: source address), format 1: version,
 * source (string), blockedUntilMs, firstBlockedMs, lastBlockedMs (longs), reason (string),
 * verdictIds (front-coded strings), count (varint), emittedUntilMs (long). See {@link StoreCodec}.
 * Only the store is binary: the {@code blocklist} topic carries the entry as JSON.
 */
public final class BlocklistEntryCodec extends StoreCodec<BlocklistEntry> {

    public static final BlocklistEntryCodec INSTANCE = new BlocklistEntryCodec();

    private BlocklistEntryCodec() {
        super(BlocklistProcessor.STORE, BlocklistEntry.class, 1, 256);
    }

    @Override
    protected void write(BlocklistEntry e, Writer out) {
        out.writeString(e.source());
        out.writeLong(e.blockedUntilMs());
        out.writeLong(e.firstBlockedMs());
        out.writeLong(e.lastBlockedMs());
        out.writeString(e.reason());
        out.writeStrings(e.verdictIds());
        out.writeVarLong(e.count());
        out.writeLong(e.emittedUntilMs());
    }

    @Override
    protected BlocklistEntry read(Reader in) {
        return new BlocklistEntry(in.readString(), in.readLong(), in.readLong(), in.readLong(), in.readString(),
                in.readStrings(), in.readVarLong(), in.readLong());
    }
}
