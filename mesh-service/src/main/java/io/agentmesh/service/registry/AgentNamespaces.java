package io.agentmesh.service.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** An agent's namespace from PostgreSQL, remembered for a minute (per-namespace limits need it per send). */
public final class AgentNamespaces implements Function<String, Optional<String>> {

    private final Jdbi jdbi;
    private final Cache<String, Optional<String>> cache = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(1))
            .maximumSize(1_000_000).build();

    public AgentNamespaces(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<String> apply(String agentId) {
        return cache.get(agentId, id -> jdbi.withHandle(h -> h.createQuery("SELECT namespace FROM agents WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne()));
    }
}
