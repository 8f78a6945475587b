package io.agentmesh.service.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * An agent's namespace from PostgreSQL, for the per-send checks (send policy, per-namespace rate):
 * remembered for 5 seconds when found, never when not (an agent registered a moment later is seen
 * at once). Deregistered agents have none: they may not send.
 */
public final class AgentNamespaces implements Function<String, Optional<String>> {

    private final Jdbi jdbi;
    private final Cache<String, String> cache = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5))
            .maximumSize(1_000_000).build();
    private final Cache<String, Boolean> deregistered = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5))
            .maximumSize(1_000_000).build();

    public AgentNamespaces(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<String> apply(String agentId) {
        String cached = cache.getIfPresent(agentId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<String> found = jdbi.withHandle(h -> h.createQuery("SELECT namespace FROM agents WHERE id = :id "
                + "AND status <> 'deregistered'").bind("id", agentId).mapTo(String.class).findOne());
        found.ifPresent(ns -> cache.put(agentId, ns));
        return found;
    }

    /** Whether the agent was deregistered (a JWT naming it is refused); remembered for 5 seconds. */
    public boolean isDeregistered(String agentId) {
        return deregistered.get(agentId, id -> jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM agents "
                + "WHERE id = :id AND status = 'deregistered'").bind("id", id).mapTo(Long.class).one() > 0));
    }

    /** Whether the agent is registered and not deregistered (cached like its namespace). */
    public boolean isRegistered(String agentId) {
        return apply(agentId).isPresent();
    }
}
