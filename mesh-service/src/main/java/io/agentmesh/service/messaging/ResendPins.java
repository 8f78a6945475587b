package io.agentmesh.service.messaging;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.agentmesh.service.common.RedisClients;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps a resent message on the ingress partition its first attempt went to, so the router's dedupe
 * (which is per partition) sees every attempt whatever key or correlation id the resend carries.
 * The first send of a (sender, client-chosen id) records its partition in Redis for the dedupe
 * window ({@code SET NX GET PX}, one round trip); a later send of the same pair goes where the first
 * went. Ids the mesh generates are never pinned: no client can send them twice before learning them.
 * <p>
 * When Redis does not answer, a send goes to its key's partition as if it were the first
 * ({@code mesh.dedupe.pins.unavailable} counts these): the resend is still deduplicated when it
 * carries the same key, and delivered a second time only when it also changed its key.
 */
public final class ResendPins implements Managed {

    static final String PREFIX = "mesh:pin:";

    /** Where a send goes: {@code partition}; {@code firstAt} is when the id was first sent (now, unless a resend). */
    public record Pin(int partition, long firstAt, boolean resend) {
    }

    private final RedisClients.Lazy redis;
    private final long windowMs;
    private final Counter unavailable;
    private final Counter resends;

    public ResendPins(String redisUri, Duration timeout, Duration window, MetricRegistry metrics) {
        this.redis = new RedisClients.Lazy(redisUri, timeout);
        this.windowMs = window.toMillis();
        this.unavailable = metrics.counter("mesh.dedupe.pins.unavailable");
        this.resends = metrics.counter("mesh.dedupe.pins.resends");
    }

    static String key(String sender, String id) {
        // an agent id never holds a newline, so no (sender, id) pair can spell another's key
        return PREFIX + (sender == null ? "" : sender) + "\n" + id;
    }

    /**
     * Where {@code sender}'s message {@code id} goes: {@code partition} (its key's) when it is the first
     * send of the pair within the window, else the partition of the first send. Never fails.
     */
    public CompletableFuture<Pin> pin(String sender, String id, int partition, int partitions, long now) {
        StatefulRedisConnection<String, String> c = redis.get();
        if (c == null) {
            unavailable.inc();
            return CompletableFuture.completedFuture(new Pin(partition, now, false));
        }
        return c.async().setGet(key(sender, id), partition + ":" + now, SetArgs.Builder.nx().px(windowMs))
                .toCompletableFuture()
                .handle((previous, error) -> {
                    if (error != null) {
                        unavailable.inc();
                        return new Pin(partition, now, false);
                    }
                    Pin earlier = previous == null ? null : parse(previous, partitions);
                    if (earlier == null) {
                        return new Pin(partition, now, false);
                    }
                    resends.inc();
                    return earlier;
                });
    }

    private static Pin parse(String value, int partitions) {
        int colon = value.indexOf(':');
        try {
            int p = Integer.parseInt(value.substring(0, colon));
            long at = Long.parseLong(value.substring(colon + 1));
            // a pin from before the ingress topic shrank (or a hand-written value) is not followed
            return p >= 0 && p < partitions ? new Pin(p, at, true) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void start() {
        redis.start();
    }

    @Override
    public void stop() {
        redis.stop();
    }
}
