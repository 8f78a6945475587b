package io.agentmesh.service.registry;

import io.agentmesh.service.common.RedisClients;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.dropwizard.lifecycle.Managed;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This node's copy of the live registry in Redis, for discovery: each agent's entry kept as the
 * JSON Redis holds (served as is, never parsed) and the index sets, read through from Redis and
 * dropped when Redis says they changed. Redis tracks the {@code mesh:agent:}, {@code mesh:cap:},
 * {@code mesh:ns:} and {@code mesh:agents} keys for this connection in broadcast mode and pushes
 * an invalidation for every write, heartbeat, delete and expiry, from any node.
 * <p>
 * Each answer starts with a PING on the tracking connection: Redis sends the invalidations of every
 * write it acknowledged before that PING ahead of its reply, so an answer reflects every write made
 * before the query began (a node's own registrations included), as the direct reads did. A copied
 * entry also keeps the expiry Redis gave it when it was read, and counts as missing from then on.
 * While the tracking connection is down, nothing is served from the copy: the query fails as a
 * Redis read would (the caller falls back to PostgreSQL) and the copy is rebuilt from empty once
 * tracking is on again. Where Redis refuses {@code CLIENT TRACKING} (an ACL), every query reads Redis
 * and nothing is copied. Needs Redis 6 or later (RESP3).
 */
public final class LiveAgentsView implements Managed {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.agentmesh.discovery");
    private static final String[] PREFIXES = {AgentCache.KEY_PREFIX, "mesh:cap:", "mesh:ns:", AgentCache.ALL};
    /** How far back invalidations are remembered for reads in flight; older reads are not copied. */
    private static final int HISTORY = 65_536;
    /** How many index sets (one per capability, namespace, and all agents) are copied at most. */
    private static final int MAX_SETS = 10_000;
    private static final String EVERYTHING = "";

    private final RedisClient client;
    private final Duration timeout;
    private final int maxEntries;
    private final LongSupplier nanos;

    private final Object lock = new Object();
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Set<String>> sets = new HashMap<>();
    /** Invalidations by sequence number, newest last; {@link #EVERYTHING} stands for a flush or a lost connection. */
    private final ArrayDeque<Invalidation> history = new ArrayDeque<>();
    private long sequence;
    private boolean tracking;
    /** Counts lost connections: tracking turned on counts only if none was lost meanwhile. */
    private long drops;
    /** Redis refused CLIENT TRACKING (an ACL, say): answers are then read from Redis each time. */
    private volatile boolean trackingRefused;
    private final java.util.concurrent.locks.ReentrantLock setup = new java.util.concurrent.locks.ReentrantLock();
    private StatefulRedisConnection<String, String> connection;

    private final AtomicLong servedFromCopy = new AtomicLong();
    private final AtomicLong readFromRedis = new AtomicLong();

    private record Entry(String json, long expiresAtNanos) {
    }

    private record Invalidation(long sequence, String key) {
    }

    /** One query's answer: each matching live agent's JSON, in id order. */
    public record Match(List<String> agents) {
    }

    /** {@code maxEntries}: how many agents' entries this node copies at most (beyond that, read from Redis each time). */
    public LiveAgentsView(String uri, Duration timeout, int maxEntries) {
        this(resp3(RedisClients.create(uri, timeout)), timeout, maxEntries, System::nanoTime);
    }

    LiveAgentsView(RedisClient client, Duration timeout, int maxEntries, LongSupplier nanos) {
        this.client = client;
        this.timeout = timeout;
        this.maxEntries = maxEntries;
        this.nanos = nanos;
    }

    /** Invalidations arrive as RESP3 pushes: without them (RESP2, no REDIRECT) Redis would send none. */
    private static RedisClient resp3(RedisClient client) {
        client.setOptions(client.getOptions().mutate().protocolVersion(ProtocolVersion.RESP3).build());
        return client;
    }

    /**
     * The live agents with the capability and in the namespace (null = any), as Redis holds them now.
     *
     * @throws MeshException DEPENDENCY_UNAVAILABLE when Redis cannot answer
     */
    public Match find(String capability, String namespace) {
        try {
            RedisAsyncCommands<String, String> redis = trackingConnection().async();
            await(redis.ping());
            List<String> setKeys = new ArrayList<>();
            if (capability != null) {
                setKeys.add(AgentCache.capabilityKey(capability));
            }
            if (namespace != null) {
                setKeys.add(AgentCache.namespaceKey(namespace));
            }
            if (setKeys.isEmpty()) {
                setKeys.add(AgentCache.ALL);
            }
            TreeSet<String> ids = null;
            for (Set<String> members : sets(redis, setKeys)) {
                if (ids == null) {
                    ids = new TreeSet<>(members);
                } else {
                    ids.retainAll(members);
                }
            }
            return new Match(entries(redis, ids));
        } catch (RedisException e) {
            dropCopy();
            throw unavailable(e);
        }
    }

    /** What the copy holds and how it has answered, for the discovery status endpoint. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        synchronized (lock) {
            out.put("tracking", tracking);
            out.put("tracking_refused", trackingRefused);
            out.put("agents", entries.size());
            out.put("index_sets", sets.size());
        }
        out.put("max_agents", maxEntries);
        out.put("entries_served_from_copy", servedFromCopy.get());
        out.put("entries_read_from_redis", readFromRedis.get());
        return out;
    }

    private List<Set<String>> sets(RedisAsyncCommands<String, String> redis, List<String> keys) {
        List<Set<String>> out = new ArrayList<>();
        Map<String, RedisFuture<Set<String>>> reads = new LinkedHashMap<>();
        long since;
        List<String> missing = new ArrayList<>();
        synchronized (lock) {
            since = sequence;
            for (String k : keys) {
                Set<String> copy = sets.get(k);
                if (copy == null) {
                    missing.add(k);
                } else {
                    out.add(copy);
                }
            }
        }
        for (String k : missing) {
            reads.put(k, redis.smembers(k));
        }
        if (reads.isEmpty()) {
            return out;
        }
        Map<String, Set<String>> read = new HashMap<>();
        for (Map.Entry<String, RedisFuture<Set<String>>> r : reads.entrySet()) {
            Set<String> members = await(r.getValue());
            read.put(r.getKey(), members);
            out.add(members);
        }
        synchronized (lock) {
            Set<String> changed = changedSince(since);
            if (changed != null) {
                read.forEach((k, members) -> {
                    // an empty set is never written, so never invalidated: not copied (a query for a
                    // capability nobody has would otherwise hold a place for good)
                    if (!changed.contains(k) && !members.isEmpty() && members.size() <= maxEntries && (sets.size() < MAX_SETS || sets.containsKey(k))) {
                        sets.put(k, Set.copyOf(members));
                    }
                });
            }
        }
        return out;
    }

    private List<String> entries(RedisAsyncCommands<String, String> redis, TreeSet<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return List.of();
        }
        Map<String, String> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        int fromCopy = 0;
        long now = nanos.getAsLong();
        long since;
        synchronized (lock) {
            since = sequence;
            for (String id : ids) {
                Entry e = entries.get(AgentCache.key(id));
                if (e != null && (e.json() == null || e.expiresAtNanos() - now > 0)) {
                    if (e.json() != null) {
                        found.put(id, e.json());
                        fromCopy++;
                    }
                } else {
                    missing.add(id);
                }
            }
        }
        servedFromCopy.addAndGet(fromCopy);
        if (!missing.isEmpty()) {
            readFromRedis.addAndGet(missing.size());
            long readAt = nanos.getAsLong(); // before the reads: a copy lapses no later than Redis's entry
            Map<String, RedisFuture<String>> values = new LinkedHashMap<>();
            Map<String, RedisFuture<Long>> ttls = new HashMap<>();
            for (String id : missing) {
                values.put(id, redis.get(AgentCache.key(id)));
                ttls.put(id, redis.pttl(AgentCache.key(id)));
            }
            Map<String, Entry> read = new HashMap<>();
            for (String id : missing) {
                String json = await(values.get(id));
                long ttl = await(ttls.get(id));
                if (json != null && ttl == -2) {
                    json = null; // expired between the two reads
                }
                if (json != null) {
                    found.put(id, json);
                }
                long expires = json == null || ttl < 0 ? Long.MAX_VALUE : readAt + TimeUnit.MILLISECONDS.toNanos(ttl);
                read.put(AgentCache.key(id), new Entry(json, json == null ? readAt : expires));
            }
            synchronized (lock) {
                Set<String> changed = changedSince(since);
                if (changed != null) {
                    read.forEach((k, e) -> {
                        if (!changed.contains(k) && (entries.size() < maxEntries || entries.containsKey(k))) {
                            entries.put(k, e.json() == null ? new Entry(null, Long.MAX_VALUE) : e);
                        }
                    });
                }
            }
        }
        List<String> out = new ArrayList<>(found.size());
        for (String id : ids) {
            String json = found.get(id);
            if (json != null) {
                out.add(json);
            }
        }
        return out;
    }

    /** Keys invalidated after {@code since}, or null when that is not known (copy nothing then). */
    private Set<String> changedSince(long since) {
        if (!tracking || (history.isEmpty() ? sequence > since : history.peekFirst().sequence() > since + 1)) {
            return null;
        }
        Set<String> keys = new HashSet<>();
        var it = history.descendingIterator();
        while (it.hasNext()) {
            Invalidation i = it.next();
            if (i.sequence() <= since) {
                break;
            }
            if (i.key().equals(EVERYTHING)) {
                return null;
            }
            keys.add(i.key());
        }
        return keys;
    }

    private void invalidated(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() > 1 ? content.get(1) : null;
        synchronized (lock) {
            if (keys instanceof List<?> list) {
                for (Object k : list) {
                    String key = String.valueOf(k);
                    entries.remove(key);
                    sets.remove(key);
                    remember(key);
                }
            } else {
                clear(); // FLUSHDB / FLUSHALL
            }
        }
    }

    private void remember(String key) {
        history.addLast(new Invalidation(++sequence, key));
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
    }

    private void clear() {
        entries.clear();
        sets.clear();
        remember(EVERYTHING);
    }

    private void dropCopy() {
        synchronized (lock) {
            tracking = false;
            drops++;
            clear();
        }
    }

    /**
     * The connection with tracking on, turned on first if needed (after a start or a lost connection).
     * One caller at a time sets it up; the others wait at most the command timeout.
     */
    private StatefulRedisConnection<String, String> trackingConnection() {
        synchronized (lock) {
            if ((tracking || trackingRefused) && connection != null && connection.isOpen()) {
                return connection;
            }
        }
        try {
            if (!setup.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new RedisException("the connection to Redis is being set up");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted", e);
        }
        try {
            if (connection == null) {
                StatefulRedisConnection<String, String> c = client.connect();
                c.setTimeout(timeout);
                c.addListener(this::invalidated);
                c.addListener(new RedisConnectionStateListener() {
                    @Override
                    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                        dropCopy();
                    }
                });
                connection = c;
            }
            long dropsBefore;
            synchronized (lock) {
                if (tracking || trackingRefused) {
                    return connection;
                }
                clear();
                dropsBefore = drops;
            }
            try {
                // off first: Redis refuses a prefix this connection already tracks
                connection.sync().clientTracking(TrackingArgs.Builder.enabled(false));
                connection.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(PREFIXES));
            } catch (RedisCommandExecutionException refused) {
                refuseTracking("Redis refused CLIENT TRACKING (" + refused.getMessage() + ")");
                return connection;
            }
            synchronized (lock) {
                if (drops != dropsBefore) {
                    // the connection was lost while tracking was turned on: the new one tracks nothing
                    throw new RedisException("the connection to Redis was lost while tracking was turned on");
                }
                clear();
                tracking = true;
            }
            return connection;
        } finally {
            setup.unlock();
        }
    }

    private void refuseTracking(String why) {
        trackingRefused = true;
        LOG.warn("{}: discovery reads Redis on every query, with no copy on this node", why);
    }

    private <T> T await(RedisFuture<T> future) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException re ? re : new RedisException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new RedisException("no answer from Redis within " + timeout.toMillis() + " ms", e);
        } catch (java.util.concurrent.CancellationException e) {
            throw new RedisException("the command was canceled (the node is stopping)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted", e);
        }
    }

    private static MeshException unavailable(RedisException e) {
        return new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "Redis unavailable: " + e.getMessage(),
                Map.of("dependency", "redis"), e);
    }

    @Override
    public void start() {
        // connects on the first query: a node starts while Redis is down
    }

    @Override
    public void stop() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
