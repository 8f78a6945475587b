package io.agentmesh.service.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.db.PostgresFailures;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.envelope.Target;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Namespace send policies: who an agent may address, decided by its namespace's policy (the
 * default: its own namespace, no broadcast). Operators and open mode are not restricted. A node
 * reads a policy at most every 5 seconds, so a change reaches every node within that.
 */
public final class SendPolicies {

    private final PolicyDao dao;
    private final Function<String, Optional<String>> namespaceOf;
    private final Cache<String, SendPolicy> cache = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5))
            .maximumSize(100_000).build();

    public SendPolicies(PolicyDao dao, Function<String, Optional<String>> namespaceOf) {
        this.dao = dao;
        this.namespaceOf = namespaceOf;
    }

    public SendPolicy of(String namespace) {
        return cache.get(namespace, ns -> PostgresFailures.call(() -> dao.find(ns)).orElseGet(() -> SendPolicy.defaultFor(ns)));
    }

    public List<SendPolicy> all() {
        return PostgresFailures.call(dao::all);
    }

    public SendPolicy put(SendPolicy policy, String by) {
        PostgresFailures.call(() -> {
            dao.upsert(policy, by);
            return null;
        });
        cache.invalidate(policy.namespace());
        return of(policy.namespace());
    }

    public boolean delete(String namespace) {
        boolean deleted = PostgresFailures.call(() -> dao.delete(namespace));
        cache.invalidate(namespace);
        return deleted;
    }

    /**
     * Where an agent's message may go: the target itself when its namespace's policy allows it, a
     * capability target kept inside the sender's namespace when the capability is not open
     * mesh-wide; 403 otherwise. Everyone else's targets pass unchanged.
     */
    public Target authorize(MeshPrincipal caller, Target target) {
        if (!caller.isAgent()) {
            return target;
        }
        String own = namespaceOf.apply(caller.name()).orElseThrow(() -> new MeshException(ErrorCode.FORBIDDEN,
                "agent '" + caller.name() + "' is not registered: register it first (its namespace decides where it may send)",
                Map.of("caller", caller.label())));
        SendPolicy policy = of(own);
        return switch (target.kind()) {
            case BROADCAST -> {
                if (!policy.broadcast()) {
                    throw refused(caller, own, "broadcast", "address namespace:" + own + " instead, or allow "
                            + "broadcast in the policy of namespace '" + own + "'");
                }
                yield target;
            }
            case NAMESPACE -> {
                if (!policy.mayAddressNamespace(target.value())) {
                    throw refused(caller, own, target.toString(), "add the namespace to its policy's namespaces");
                }
                yield target;
            }
            case AGENT -> {
                String theirs = namespaceOf.apply(target.value()).orElse(null);
                if (!policy.mayAddressAgent(target.value(), theirs)) {
                    throw refused(caller, own, target + " (namespace '" + theirs + "')",
                            "add its namespace or the agent to the policy");
                }
                yield target;
            }
            case CAPABILITY -> {
                if (policy.mayAddressCapabilityAnywhere(target.value())) {
                    yield target;
                }
                if (target.namespace() == null) {
                    yield Target.capabilityIn(target.value(), own);
                }
                if (!policy.mayAddressNamespace(target.namespace())) {
                    throw refused(caller, own, target.toString(), "add the namespace to its policy's namespaces");
                }
                yield target;
            }
        };
    }

    private static MeshException refused(MeshPrincipal caller, String own, String what, String how) {
        return new MeshException(ErrorCode.FORBIDDEN, "to: the send policy of namespace '" + own + "' does not let "
                + caller.label() + " address " + what + " (" + how + ")",
                Map.of("field", "to", "namespace", own, "caller", caller.label()));
    }
}
