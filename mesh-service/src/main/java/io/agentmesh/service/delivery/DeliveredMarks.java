package io.agentmesh.service.delivery;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.agentmesh.service.common.RedisClients;
import io.dropwizard.lifecycle.Managed;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * How far into each partition of an agent's inbox the mesh has handed messages out to readers that
 * acknowledge by position (long-poll, server-sent events, gRPC Subscribe), mesh-wide, in Redis
 * ({@code mesh:delivered:<agent>}: partition &rarr; next offset after what was handed out; only ever
 * raised). Written before the messages leave, so an acknowledgement can never outrun it; an
 * acknowledgement beyond it would pass over messages the agent never got.
 * <p>
 * When Redis does not answer, reading goes on unmarked and acknowledgements go unchecked
 * ({@code mesh.acks.unchecked} counts them): a check that cannot be made never holds delivery up.
 */
public final class DeliveredMarks implements Managed {

    static final String PREFIX = "mesh:delivered:";
    /** Marks of an agent that reads nothing for this long are forgotten. */
    static final Duration KEEP = Duration.ofDays(30);
    private static final String RAISE = """
            for i = 1, #ARGV - 1, 2 do
              local cur = redis.call('HGET', KEYS[1], ARGV[i])
              if (not cur) or tonumber(cur) < tonumber(ARGV[i + 1]) then
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
              end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[#ARGV])
            return 1
            """;

    private final RedisClients.Lazy redis;
    private final Duration timeout;
    private final Counter unmarked;
    private final Counter unchecked;

    public DeliveredMarks(String redisUri, Duration timeout, MetricRegistry metrics) {
        this.redis = new RedisClients.Lazy(redisUri, timeout);
        this.timeout = timeout;
        this.unmarked = metrics.counter("mesh.deliveries.unmarked");
        this.unchecked = metrics.counter("mesh.acks.unchecked");
    }

    /** Records that {@code next} (partition &rarr; next offset) was handed out. Never fails. */
    public void handedOut(String agentId, Map<Integer, Long> next) {
        if (next.isEmpty()) {
            return;
        }
        StatefulRedisConnection<String, String> c = redis.get();
        if (c == null) {
            unmarked.inc();
            return;
        }
        List<String> args = new ArrayList<>();
        next.forEach((p, o) -> {
            args.add(Integer.toString(p));
            args.add(Long.toString(o));
        });
        args.add(Long.toString(KEEP.toMillis()));
        try {
            c.async().<Long>eval(RAISE, ScriptOutputType.INTEGER, new String[]{PREFIX + agentId}, args.toArray(String[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unmarked.inc();
        } catch (Exception e) {
            unmarked.inc();
        }
    }

    /** Per partition, the next offset after what was handed out; empty when Redis cannot say. */
    public Optional<Map<Integer, Long>> of(String agentId) {
        StatefulRedisConnection<String, String> c = redis.get();
        if (c == null) {
            unchecked.inc();
            return Optional.empty();
        }
        try {
            Map<String, String> raw = c.async().hgetall(PREFIX + agentId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            raw.forEach((p, o) -> out.put(Integer.parseInt(p), Long.parseLong(o)));
            return Optional.of(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unchecked.inc();
            return Optional.empty();
        } catch (Exception e) {
            unchecked.inc();
            return Optional.empty();
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
