package io.agentmesh.service.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.dropwizard.lifecycle.Managed;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live registry in Redis. {@code mesh:agent:<id>} holds the agent as JSON with a TTL that
 * heartbeats refresh; the sets {@code mesh:agents}, {@code mesh:cap:<capability>} and
 * {@code mesh:ns:<namespace>} index agent ids for discovery (an id whose entry expired is skipped).
 * Connects lazily and fails fast while Redis is down (commands are rejected, not queued), so
 * callers can degrade instead of hanging.
 */
public final class AgentCache implements Managed {

    public static final String KEY_PREFIX = "mesh:agent:";
    public static final String ALL = "mesh:agents";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final RedisClient client;
    private final ObjectMapper mapper;
    private final Duration ttl;
    private final Duration timeout;
    private StatefulRedisConnection<String, String> connection;

    public AgentCache(String uri, Duration ttl, Duration timeout, ObjectMapper mapper) {
        this.client = io.agentmesh.service.common.RedisClients.create(uri, timeout);
        this.mapper = mapper;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    public static String key(String agentId) {
        return KEY_PREFIX + agentId;
    }

    public static String capabilityKey(String capability) {
        return "mesh:cap:" + capability;
    }

    public static String namespaceKey(String namespace) {
        return "mesh:ns:" + namespace;
    }

    /** Writes the live entry (TTL from now) and indexes it, dropping index entries the agent no longer has. */
    public void put(AgentView agent) {
        try {
            RedisCommands<String, String> redis = commands();
            unindex(redis, agent.id(), redis.get(key(agent.id())));
            Map<String, Object> entry = mapper.convertValue(agent, MAP);
            entry.put("last_heartbeat", Instant.now().toString());
            redis.set(key(agent.id()), mapper.writeValueAsString(entry), SetArgs.Builder.px(agent.heartbeatTtl()));
            redis.sadd(ALL, agent.id());
            redis.sadd(namespaceKey(agent.namespace()), agent.id());
            for (String c : agent.capabilities()) {
                redis.sadd(capabilityKey(c), agent.id());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** Refreshes the TTL; false when the live entry had already expired (the caller re-puts it). */
    public boolean touch(String agentId, Duration agentTtl) {
        try {
            return commands().pexpire(key(agentId), agentTtl);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /**
     * Refreshes the TTLs of many live entries in one pipelined round (not one round trip each);
     * answers the ids whose entry had already expired (the caller re-puts them).
     */
    public java.util.Set<String> touchAll(Map<String, Duration> ttls) {
        try {
            io.lettuce.core.api.async.RedisAsyncCommands<String, String> redis = asyncCommands();
            Map<String, io.lettuce.core.RedisFuture<Boolean>> answers = new java.util.LinkedHashMap<>();
            ttls.forEach((id, ttl) -> answers.put(id, redis.pexpire(key(id), ttl)));
            java.util.Set<String> gone = new java.util.HashSet<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Map.Entry<String, io.lettuce.core.RedisFuture<Boolean>> a : answers.entrySet()) {
                if (!Boolean.TRUE.equals(a.getValue().get(Math.max(0, deadline - System.nanoTime()),
                        java.util.concurrent.TimeUnit.NANOSECONDS))) {
                    gone.add(a.getKey());
                }
            }
            return gone;
        } catch (RedisException e) {
            throw unavailable(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw unavailable(new RedisException(e.toString(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(new RedisException("interrupted", e));
        }
    }

    public void remove(String agentId) {
        try {
            RedisCommands<String, String> redis = commands();
            unindex(redis, agentId, redis.get(key(agentId)));
            redis.del(key(agentId));
            redis.srem(ALL, agentId);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** The ids the index holds (their live entries may have expired). */
    public Set<String> indexed() {
        try {
            return commands().smembers(ALL);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** How many agents the namespace's index holds (some may have expired). */
    public long namespaceSize(String namespace) {
        try {
            return commands().scard(namespaceKey(namespace));
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** How many agents the index holds. */
    public long size() {
        try {
            return commands().scard(ALL);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    public boolean exists(String agentId) {
        try {
            return commands().exists(key(agentId)) > 0;
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    public String ping() {
        try {
            return commands().ping();
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** The default heartbeat TTL, for agents that registered without their own. */
    public Duration ttl() {
        return ttl;
    }

    private void unindex(RedisCommands<String, String> redis, String agentId, String previousJson) throws RedisException {
        if (previousJson == null) {
            return;
        }
        try {
            Map<String, Object> previous = mapper.readValue(previousJson, MAP);
            if (previous.get("namespace") instanceof String ns) {
                redis.srem(namespaceKey(ns), agentId);
            }
            if (previous.get("capabilities") instanceof List<?> caps) {
                for (Object c : caps) {
                    redis.srem(capabilityKey(String.valueOf(c)), agentId);
                }
            }
        } catch (IOException e) {
            // an unreadable old entry is simply overwritten
        }
    }

    private RedisCommands<String, String> commands() {
        return connection().sync();
    }

    private io.lettuce.core.api.async.RedisAsyncCommands<String, String> asyncCommands() {
        return connection().async();
    }

    private synchronized io.lettuce.core.api.StatefulRedisConnection<String, String> connection() {
        if (connection == null || !connection.isOpen()) {
            connection = client.connect();
            connection.setTimeout(timeout);
        }
        return connection;
    }

    private static MeshException unavailable(RedisException e) {
        return new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "Redis unavailable: " + e.getMessage(),
                Map.of("dependency", "redis"), e);
    }

    @Override
    public synchronized void stop() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
