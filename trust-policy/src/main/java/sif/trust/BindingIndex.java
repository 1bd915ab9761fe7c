package sif.trust;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Immutable index source address → principal, built from resolved identities. Host bindings
 * (/32, /128) are a hash lookup on the canonical address (an IPv4 address written in IPv4-mapped
 * IPv6 form is the IPv4 address); network bindings are scanned most
 * specific first. When two principals bind the same address or network, the one whose newest
 * event is later wins (ties: lexicographically smaller principal), so the index is deterministic.
 */
public final class BindingIndex {

    private static final BindingIndex EMPTY = new BindingIndex(Map.of(), new Cidr[0], new String[0], Map.of(),
            Set.of());

    private final Map<String, String> hosts;
    private final Cidr[] networks;
    private final String[] networkPrincipals;
    /** Each indexed principal's bound addresses, as its identity gave them. */
    private final Map<String, List<String>> bindings;
    /** Principals that bind an address or network another principal binds too. */
    private final Set<String> shared;

    private BindingIndex(Map<String, String> hosts, Cidr[] networks, String[] networkPrincipals,
                         Map<String, List<String>> bindings, Set<String> shared) {
        this.hosts = hosts;
        this.networks = networks;
        this.networkPrincipals = networkPrincipals;
        this.bindings = bindings;
        this.shared = shared;
    }

    public static BindingIndex empty() {
        return EMPTY;
    }

    /** Builds the index; identities whose addresses do not parse are a programming error upstream. */
    public static BindingIndex build(Collection<PrincipalIdentity> identities) {
        List<PrincipalIdentity> ordered = new ArrayList<>(identities);
        // later (winning) identities are put last so they overwrite
        ordered.sort(Comparator.comparingLong(PrincipalIdentity::eventTimeMs)
                .thenComparing(PrincipalIdentity::principal, Comparator.reverseOrder()));
        Map<String, String> hosts = new HashMap<>();
        Map<Cidr, String> nets = new HashMap<>();
        Map<String, List<String>> bindings = new HashMap<>();
        Set<String> shared = new HashSet<>();
        long[] a = new long[2];
        for (PrincipalIdentity id : ordered) {
            bindings.put(id.principal(), id.boundAddresses());
            for (String spec : id.boundAddresses()) {
                Cidr c = Cidr.parse(spec);
                String before;
                if (c.isHost()) {
                    String addr = spec.trim();
                    int slash = addr.indexOf('/');
                    if (slash >= 0) {
                        addr = addr.substring(0, slash);
                    }
                    IpAddress.parse(addr, a);
                    before = hosts.put(canonical(addr, a), id.principal());
                } else {
                    before = nets.put(c, id.principal());
                }
                if (before != null && !before.equals(id.principal())) {
                    shared.add(before);
                    shared.add(id.principal());
                }
            }
        }
        List<Map.Entry<Cidr, String>> netList = new ArrayList<>(nets.entrySet());
        netList.sort(Comparator.comparingInt((Map.Entry<Cidr, String> e) -> e.getKey().specificity()).reversed()
                .thenComparing(e -> e.getKey().toString()));
        Cidr[] cidrs = new Cidr[netList.size()];
        String[] principals = new String[netList.size()];
        for (int i = 0; i < cidrs.length; i++) {
            cidrs[i] = netList.get(i).getKey();
            principals[i] = netList.get(i).getValue();
        }
        return new BindingIndex(Map.copyOf(hosts), cidrs, principals, bindings, shared);
    }

    /**
     * True when this index stays right after {@code principal}'s identity changes to {@code after}
     * (null: removed): it was indexed with the same bound addresses and shares none of them with another
     * principal (where two principals bind the same address, which one wins depends on their newest
     * events, so any change of either can move it). A re-verification, a revocation or a posture change
     * keeps the addresses; a new principal, a removal or a change of addresses needs a new index.
     */
    public boolean unchangedBy(String principal, PrincipalIdentity after) {
        List<String> before = bindings.get(principal);
        return before != null && after != null && before.equals(after.boundAddresses()) && !shared.contains(principal);
    }

    /**
     * The principal bound to {@code sourceIp}, or null when none is (or the address is not a
     * valid literal).
     */
    public String principalFor(String sourceIp) {
        if (sourceIp == null) {
            return null;
        }
        boolean v6 = sourceIp.indexOf(':') >= 0;
        if (!v6) {
            String p = hosts.get(sourceIp); // IPv4 literals accepted by IpAddress are canonical
            if (p != null) {
                return p;
            }
            if (networks.length == 0) {
                return null;
            }
        }
        long[] a = new long[2];
        if (!IpAddress.parse(sourceIp, a)) {
            return null;
        }
        if (v6) {
            String p = hosts.get(canonical(sourceIp, a));
            if (p != null) {
                return p;
            }
        }
        for (int i = 0; i < networks.length; i++) {
            if (networks[i].contains(a[0], a[1])) {
                return networkPrincipals[i];
            }
        }
        return null;
    }

    public int size() {
        return hosts.size() + networks.length;
    }

    /** The host key of a parsed literal: {@link IpAddress#canonical(String)}. */
    private static String canonical(String literal, long[] parsed) {
        return literal.indexOf(':') < 0 ? literal : IpAddress.canonical(literal, parsed[0], parsed[1]);
    }
}
