package io.agentmesh.service.common;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /**
     * A connection made off the caller's thread: {@link #get()} never blocks, and answers null until
     * the connection is up (a caller then goes on without Redis). Lettuce reconnects it by itself
     * after that; commands sent while it is away fail at once.
     */
    public static final class Lazy implements Managed {

        private static final Logger LOG = LoggerFactory.getLogger(Lazy.class);

        private final RedisClient client;
        private final RedisURI uri;
        private final AtomicBoolean connecting = new AtomicBoolean();
        private volatile StatefulRedisConnection<String, String> connection;

        public Lazy(String uri, Duration timeout) {
            this.uri = RedisURI.create(uri);
            this.client = create(uri, timeout);
        }

        /**
         * The connection, or null while there is none yet (one is then being made). Once made it is
         * kept: Lettuce reconnects it after an outage, and commands sent meanwhile fail at once.
         */
        public StatefulRedisConnection<String, String> get() {
            StatefulRedisConnection<String, String> c = connection;
            if (c != null) {
                return c;
            }
            if (connecting.compareAndSet(false, true)) {
                try {
                    client.connectAsync(StringCodec.UTF8, uri).whenComplete((made, error) -> {
                        if (error != null) {
                            LOG.debug("Redis not reachable ({})", error.toString());
                        } else {
                            connection = made;
                        }
                        connecting.set(false);
                    });
                } catch (RuntimeException e) {
                    connecting.set(false);
                    LOG.debug("Redis not reachable ({})", e.toString());
                }
            }
            return null;
        }

        @Override
        public void start() {
            get();
        }

        @Override
        public void stop() {
            StatefulRedisConnection<String, String> c = connection;
            if (c != null) {
                c.close();
            }
            client.shutdown();
        }
    }
}
