package io.agentmesh.service.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.api.AgentView;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.dropwizard.lifecycle.Managed;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.Map;

/**
 * The live registry in Redis: {@code mesh:agent:<id>} holds the agent as JSON with a TTL that
 * heartbeats refresh. Connects lazily and fails fast while Redis is down (commands are rejected,
 * not queued), so callers can degrade instead of hanging.
 */
public final class AgentCache implements Managed {

    public static final String KEY_PREFIX = "mesh:agent:";

    private final RedisClient client;
    private final ObjectMapper mapper;
    private final Duration ttl;
    private final Duration timeout;
    private StatefulRedisConnection<String, String> connection;

    public AgentCache(String uri, Duration ttl, Duration timeout, ObjectMapper mapper) {
        this.client = RedisClient.create(RedisURI.create(uri));
        this.client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        this.mapper = mapper;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    public static String key(String agentId) {
        return KEY_PREFIX + agentId;
    }

    public void put(AgentView agent) {
        try {
            Map<String, Object> entry = mapper.convertValue(agent, MAP);
            entry.put("last_heartbeat", java.time.Instant.now().toString());
            commands().set(key(agent.id()), mapper.writeValueAsString(entry), SetArgs.Builder.ex(ttl));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** Refreshes the TTL; false when the live entry had already expired (the caller re-puts it). */
    public boolean touch(String agentId) {
        try {
            return commands().expire(key(agentId), ttl);
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    public void remove(String agentId) {
        try {
            commands().del(key(agentId));
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

    public Duration ttl() {
        return ttl;
    }

    private synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            connection = client.connect();
            connection.setTimeout(timeout);
        }
        return connection.sync();
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

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };
}
