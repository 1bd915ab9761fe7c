package sif.policy;

import java.util.BitSet;
import java.util.List;

/** Set of ports 0..65535 from numbers or ranges ("8000-8100"); empty means "any port". */
final class PortSet {

    private final BitSet bits;
    private final boolean any;

    private PortSet(BitSet bits, boolean any) {
        this.bits = bits;
        this.any = any;
    }

    static PortSet parse(List<String> specs, String where) {
        if (specs == null || specs.isEmpty()) {
            return new PortSet(null, true);
        }
        BitSet bits = new BitSet(65536);
        for (String raw : specs) {
            if (raw == null) {
                throw new IllegalArgumentException("empty port in " + where);
            }
            String s = raw.trim();
            int dash = s.indexOf('-');
            try {
                int lo = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(s.substring(dash + 1).trim());
                if (lo < 0 || hi > 65535 || hi < lo) {
                    throw new IllegalArgumentException("port range out of 0..65535 in " + where + ": '" + raw + "'");
                }
                bits.set(lo, hi + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in " + where + ": '" + raw + "'", e);
            }
        }
        return new PortSet(bits, false);
    }

    boolean isAny() {
        return any;
    }

    boolean contains(int port) {
        return any || (port >= 0 && port <= 65535 && bits.get(port));
    }
}
