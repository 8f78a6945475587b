package io.agentmesh.service.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.db.PostgresFailures;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.dropwizard.lifecycle.Managed;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The health-check settings in force on this node. config.yml gives the defaults; a change made
 * through PUT /api/v1/config is stored in Postgres (so it survives restarts) and written to the
 * znode {@code <base>/config/health-checks}, which every node watches and applies at once.
 */
public final class LiveHealthSettings implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(LiveHealthSettings.class);
    static final String NAME = "health-checks";

    private final HealthCheckSettings defaults;
    private final SettingsDao dao;
    private final CuratorFramework curator;
    private final String znode;
    /** The settings row's name: the cluster's base path, so meshes sharing a database keep their own. */
    private final String key;
    private final ObjectMapper mapper;
    private final AtomicReference<Current> current;
    private CuratorCache watch;

    public LiveHealthSettings(HealthCheckSettings defaults, SettingsDao dao, CuratorFramework curator, String basePath,
                              ObjectMapper mapper) {
        this.defaults = defaults;
        this.dao = dao;
        this.curator = curator;
        this.znode = basePath + "/config/" + NAME;
        this.key = basePath + "/" + NAME;
        this.mapper = mapper;
        this.current = new AtomicReference<>(new Current(defaults, "config.yml", null));
    }

    private record Current(HealthCheckSettings settings, String source, String updatedAt) {
    }

    public HealthCheckSettings get() {
        return current.get().settings();
    }

    @Override
    public void start() {
        PostgresFailures.call(() -> dao.find(key)).ifPresent(stored -> apply(stored.json(), "postgres", stored.updatedAt()));
        watch = CuratorCache.build(curator, znode, CuratorCache.Options.SINGLE_NODE_CACHE);
        watch.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> fromZooKeeper(after)).build());
        watch.start();
    }

    /** Applies changes cluster-wide: validated, stored in Postgres, broadcast; 503 if either is down. */
    public Map<String, Object> update(Map<String, ?> changes) {
        HealthCheckSettings next = get().with(changes);
        String json = write(next);
        String updatedAt = PostgresFailures.call(() -> dao.jdbi().inTransaction(h -> {
            String at = dao.save(h, key, json);
            broadcast(json);
            return at;
        }));
        current.set(new Current(next, "api", updatedAt));
        LOG.info("health-check settings changed to {}", next.asMap());
        return describe();
    }

    /** The settings in force, where they came from and the file defaults. */
    public Map<String, Object> describe() {
        Current c = current.get();
        Map<String, Object> out = new LinkedHashMap<>(c.settings().asMap());
        out.put("source", c.source());
        out.put("updated_at", c.updatedAt());
        out.put("defaults", defaults.asMap());
        return out;
    }

    private void fromZooKeeper(ChildData data) {
        if (data != null && data.getData() != null && data.getData().length > 0) {
            apply(new String(data.getData(), StandardCharsets.UTF_8), "cluster", null);
        }
    }

    private void apply(String json, String source, String updatedAt) {
        try {
            Map<String, Object> values = mapper.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<>() { });
            Object at = values.remove("updated_at");
            HealthCheckSettings s = defaults.with(values);
            if (!s.equals(get())) {
                LOG.info("health-check settings now {} (from {})", s.asMap(), source);
            }
            current.set(new Current(s, source, updatedAt != null ? updatedAt : at == null ? null : at.toString()));
        } catch (JsonProcessingException | MeshException e) {
            LOG.warn("ignoring unusable health-check settings from {}: {}", source, e.getMessage());
        }
    }

    private void broadcast(String json) {
        if (!curator.getZookeeperClient().isConnected()) {
            throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "ZooKeeper unavailable, settings not changed",
                    Map.of("dependency", "zookeeper"));
        }
        try {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            if (curator.checkExists().forPath(znode) == null) {
                curator.create().creatingParentsIfNeeded().forPath(znode, bytes);
            } else {
                curator.setData().forPath(znode, bytes);
            }
        } catch (Exception e) {
            throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "ZooKeeper unavailable, settings not changed: "
                    + e.getMessage(), Map.of("dependency", "zookeeper"), e);
        }
    }

    private String write(HealthCheckSettings s) {
        try {
            Map<String, Object> m = new LinkedHashMap<>(s.asMap());
            m.put("updated_at", java.time.Instant.now().toString());
            return mapper.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (watch != null) {
            watch.close();
        }
    }
}
