package sif.trust;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** An immutable set of networks; an empty set matches nothing. Linear scan over precomputed masks. */
public final class CidrSet {

    private static final CidrSet EMPTY = new CidrSet(new Cidr[0]);

    private final Cidr[] cidrs;

    private CidrSet(Cidr[] cidrs) {
        this.cidrs = cidrs;
    }

    public static CidrSet empty() {
        return EMPTY;
    }

    /**
     * Parses every entry as a network ({@link Cidr#parseNetwork}: no bits past the prefix); a bad entry
     * throws {@link IllegalArgumentException} naming it.
     */
    public static CidrSet parse(Collection<String> specs) {
        if (specs == null || specs.isEmpty()) {
            return EMPTY;
        }
        List<Cidr> out = new ArrayList<>(specs.size());
        for (String s : specs) {
            out.add(Cidr.parseNetwork(s));
        }
        return new CidrSet(out.toArray(new Cidr[0]));
    }

    public boolean isEmpty() {
        return cidrs.length == 0;
    }

    public boolean contains(long hi, long lo) {
        for (Cidr c : cidrs) {
            if (c.contains(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    public List<Cidr> asList() {
        return List.of(cidrs);
    }

    @Override
    public String toString() {
        return asList().toString();
    }
}
