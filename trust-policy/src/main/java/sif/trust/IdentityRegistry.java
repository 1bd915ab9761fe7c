package sif.trust;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * In-memory identities by principal with their binding index; not thread-safe. Used by the pure
 * {@link ZeroTrustEvaluator}; the Kafka Streams step keeps the same state in stores.
 */
public final class IdentityRegistry {

    private final Map<String, PrincipalIdentity> byPrincipal = new HashMap<>();
    private BindingIndex index = BindingIndex.empty();
    private boolean indexDirty;

    /** Applies one event; returns the resolved state of its principal. */
    public PrincipalIdentity apply(IdentityEvent event) {
        PrincipalIdentity before = byPrincipal.get(event.principal());
        PrincipalIdentity after = IdentityResolver.apply(before, event);
        if (after != before) {
            byPrincipal.put(after.principal(), after);
            indexDirty = true;
        }
        return after;
    }

    public PrincipalIdentity byPrincipal(String principal) {
        return byPrincipal.get(principal);
    }

    /** The identity bound to {@code sourceIp}, or null. */
    public PrincipalIdentity bySource(String sourceIp) {
        if (indexDirty) {
            index = BindingIndex.build(byPrincipal.values());
            indexDirty = false;
        }
        String p = index.principalFor(sourceIp);
        return p == null ? null : byPrincipal.get(p);
    }

    public Collection<PrincipalIdentity> all() {
        return Collections.unmodifiableCollection(byPrincipal.values());
    }
}
