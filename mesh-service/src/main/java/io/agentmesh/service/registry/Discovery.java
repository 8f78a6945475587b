package io.agentmesh.service.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import io.agentmesh.service.errors.MeshException;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Discovery: live agents from Redis; when Redis cannot answer, registered agents from Postgres,
 * marked degraded. A watchdog pings Redis and, when it comes back, rebuilds the cache from Postgres.
 */
public final class Discovery implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.discovery");
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final Set<String> STATUSES = Set.of("active", "expired", "deregistered");

    private final AgentCache cache;
    private final LiveAgentsView live;
    private final AgentRegistry registry;
    private final ObjectMapper mapper;
    private final Duration watch;
    private final AtomicBoolean redisUp = new AtomicBoolean(true);
    /** Set by any failed Redis call; until the watchdog has rebuilt the cache, Postgres answers. */
    private final AtomicBoolean needsRebuild = new AtomicBoolean(false);
    private final AtomicLong redisAnswers = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicReference<Instant> lastRebuild = new AtomicReference<>();
    private ScheduledExecutorService timer;

    public Discovery(AgentCache cache, LiveAgentsView live, AgentRegistry registry, ObjectMapper mapper, Duration watch) {
        this.cache = cache;
        this.live = live;
        this.registry = registry;
        this.mapper = mapper;
        this.watch = watch;
    }

    /** {@code agents}: each agent as JSON (Redis's entries, served as Redis holds them) or as a map (from Postgres). */
    public record Result(List<?> agents, String source, boolean degraded) {
    }

    public Result discover(String capability, String namespace, String status) {
        check("capability", capability);
        check("namespace", namespace);
        if (status != null && !STATUSES.contains(status)) {
            throw MeshException.invalidField("status", "'" + status + "' is not one of " + STATUSES);
        }
        if ((status == null || status.equals("active")) && !needsRebuild.get()) {
            try {
                List<RawValue> agents = live.find(capability, namespace).agents().stream().map(RawValue::new).toList();
                redisAnswers.incrementAndGet();
                return new Result(agents, "redis", false);
            } catch (MeshException e) {
                markDown();
                LOG.warn("discovery falls back to Postgres: {}", e.getMessage());
            }
        }
        if (status == null || status.equals("active")) {
            fallbacks.incrementAndGet();
        }
        String wanted = status == null ? AgentRecord.ACTIVE : status;
        List<Map<String, Object>> fromDb = registry.listAll(capability, namespace).stream()
                .filter(a -> a.status().equals(wanted))
                .map(a -> mapper.<Map<String, Object>>convertValue(a, mapper.getTypeFactory()
                        .constructMapType(LinkedHashMap.class, String.class, Object.class)))
                .toList();
        return new Result(fromDb, "postgres", status == null || status.equals("active"));
    }

    /**
     * Rebuilds Redis from Postgres: every active agent whose heartbeat is within its TTL re-put,
     * the others removed, the indexes made whole again.
     */
    public int rebuildCache() {
        int n = 0;
        Instant now = Instant.now();
        for (AgentView a : registry.listAll(null, null)) {
            if (AgentRecord.ACTIVE.equals(a.status()) && a.heartbeatFresh(now)) {
                cache.put(a);
                n++;
            } else {
                cache.remove(a.id());
            }
        }
        lastRebuild.set(Instant.now());
        LOG.info("Redis cache rebuilt from Postgres: {} active agents", n);
        return n;
    }

    public boolean redisHealthy() {
        return redisUp.get();
    }

    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("backend", "redis");
        out.put("fallback", "postgres");
        boolean up;
        long size = -1;
        try {
            size = cache.size();
            up = true;
        } catch (MeshException e) {
            up = false;
            markDown();
        }
        out.put("redis", up ? "up" : "down");
        out.put("cache_size", size);
        long active = registry.countByStatus().getOrDefault(AgentRecord.ACTIVE, 0L);
        out.put("postgres_active", active);
        out.put("lag_behind_postgres", up ? Math.max(0, active - size) : null);
        long answers = redisAnswers.get();
        long falls = fallbacks.get();
        out.put("answered_from_redis", answers);
        out.put("answered_from_postgres", falls);
        out.put("hit_rate", answers + falls == 0 ? null : (double) answers / (answers + falls));
        out.put("last_rebuild", lastRebuild.get() == null ? null : lastRebuild.get().toString());
        out.put("rebuild_pending", needsRebuild.get());
        out.put("local_copy", live.status());
        return out;
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::watchRedis, watch.toMillis(), watch.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void markDown() {
        redisUp.set(false);
        needsRebuild.set(true);
    }

    private void watchRedis() {
        try {
            cache.ping();
            if (needsRebuild.get()) {
                LOG.info("Redis is back; rebuilding the discovery cache");
                rebuildCache();
                needsRebuild.set(false);
            }
            redisUp.set(true);
        } catch (RuntimeException e) {
            markDown();
        }
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void check(String field, String value) {
        if (value != null && !TOKEN.matcher(value).matches()) {
            throw MeshException.invalidField(field, "'" + value + "' must be 1-64 characters of [a-z0-9._-]");
        }
    }
}
