package io.agentmesh.service.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issues, looks up and revokes the secrets the mesh hands out: an agent's API key (at registration,
 * on rotation) and operators' tokens. Lookups are cached by hash; a revocation empties the cache
 * of every node at once through the {@link RevocationSignal}.
 */
public final class Credentials {

    public static final String AGENT = "agent";
    public static final String OPERATOR = "operator";

    /** A new operator token: shown once. */
    public record Issued(long id, String name, Role role, String token) {
    }

    private final CredentialDao dao;
    private final Cache<String, MeshPrincipal> cache;
    /**
     * Secrets that named nobody, so a flood of made-up tokens costs no database query each. Safe: a
     * newly issued secret's hash was never looked up before (256 random bits).
     */
    private final Cache<String, Boolean> unknown = Caffeine.newBuilder().expireAfterWrite(java.time.Duration.ofSeconds(30))
            .maximumSize(100_000).build();
    /** Bumped on every revocation: a lookup that raced one does not cache what it read. */
    private long generation;
    private RevocationSignal signal;

    public Credentials(CredentialDao dao, Duration cacheFor) {
        this.dao = dao;
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(200_000).build();
    }

    /** Wires the signal that tells the other nodes about revocations (it calls {@link #forgetCached}). */
    public void announceRevocationsWith(RevocationSignal revocations) {
        this.signal = revocations;
    }

    /** The caller a secret names, if it is live. */
    public Optional<MeshPrincipal> lookup(String secret) {
        String hash = ApiKeys.hash(secret);
        MeshPrincipal cached = cache.getIfPresent(hash);
        if (cached != null) {
            return Optional.of(cached);
        }
        if (unknown.getIfPresent(hash) != null) {
            return Optional.empty();
        }
        long before;
        synchronized (this) {
            before = generation;
        }
        Optional<MeshPrincipal> found = dao.findLive(hash).flatMap(Credentials::principal);
        synchronized (this) {
            if (generation == before) {
                if (found.isPresent()) {
                    cache.put(hash, found.get());
                } else {
                    unknown.put(hash, Boolean.TRUE);
                }
            }
        }
        return found;
    }

    /** A new key for an agent; its earlier keys stop working. */
    public String issueAgentKey(String agentId, String by) {
        String key = ApiKeys.newAgentKey();
        boolean hadKeys = dao.replaceSubject(AGENT, agentId, ApiKeys.hash(key), by);
        if (hadKeys) {
            announce(agentId);
        }
        return key;
    }

    public boolean agentHasKey(String agentId) {
        return dao.hasLive(AGENT, agentId);
    }

    /** Revokes every key of an agent (it was deregistered). */
    public int revokeAgent(String agentId) {
        int n = dao.revokeSubject(AGENT, agentId);
        // a JWT agent has no keys, but its open streams end too
        announce(agentId);
        return n;
    }

    public Issued issueOperator(String name, Role role, String by) {
        String token = ApiKeys.newOperatorToken();
        long id = dao.insert(OPERATOR, name, role, ApiKeys.hash(token), by);
        return new Issued(id, name, role, token);
    }

    /** Revokes one credential by id; false when there is no live one with that id. */
    public boolean revoke(long id) {
        Optional<CredentialDao.Found> which = dao.findById(id);
        boolean revoked = dao.revoke(id);
        if (revoked) {
            announce(which.filter(f -> AGENT.equals(f.kind())).map(CredentialDao.Found::subject).orElse(null));
        }
        return revoked;
    }

    public Optional<Map<String, Object>> describe(long id) {
        return dao.describe(id);
    }

    public List<Map<String, Object>> list(String kind, boolean includeRevoked) {
        return dao.list(kind, includeRevoked);
    }

    public boolean anyLiveAdmin() {
        return dao.anyLiveAdmin();
    }

    /** Drops every cached lookup (called on this node's and other nodes' revocations). */
    public synchronized void forgetCached() {
        generation++;
        cache.invalidateAll();
    }

    private void announce(String agentId) {
        if (signal != null) {
            signal.announce(agentId);
        } else {
            forgetCached();
        }
    }

    private static Optional<MeshPrincipal> principal(CredentialDao.Found f) {
        if (AGENT.equals(f.kind())) {
            return Optional.of(MeshPrincipal.agent(f.subject()));
        }
        return Role.parse(f.role()).map(role -> MeshPrincipal.operator(f.subject(), role));
    }
}
