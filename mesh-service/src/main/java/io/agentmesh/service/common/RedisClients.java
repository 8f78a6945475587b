package io.agentmesh.service.common;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;

import java.time.Duration;

/** Redis clients as the mesh uses them: commands fail fast while Redis is away (never queued), each within {@code timeout}. */
public final class RedisClients {

    private RedisClients() {
    }

    public static RedisClient create(String uri, Duration timeout) {
        RedisClient client = RedisClient.create(RedisURI.create(uri));
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return client;
    }
}
