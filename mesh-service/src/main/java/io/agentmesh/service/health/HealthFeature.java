package io.agentmesh.service.health;

import com.codahale.metrics.CachedGauge;
import io.agentmesh.service.config.HealthSettings;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.AgentRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Agents' health: the live check settings (shared by every node), the health service and its
 * history, the leader's active checks, the health and config endpoints and the
 * agents-by-health gauges.
 */
public final class HealthFeature {

    private final LiveHealthSettings settings;
    private final HealthService health;
    private final HealthMonitor monitor;

    public HealthFeature(Platform p, HealthSettings config, AgentRegistry registry, Supplier<Optional<String>> leader) {
        this.settings = new LiveHealthSettings(HealthCheckSettings.from(config), new SettingsDao(p.jdbi()), p.curator(),
                p.zookeeperBase(), p.mapper());
        this.health = new HealthService(new HealthDao(p.jdbi()), new HealthPublisher(p.publisher(), p.topics()), settings,
                config.getHistoryLimit(), p.env().metrics().counter("mesh.agent.status_changes"), p.clock());
        this.monitor = new HealthMonitor(registry, health, new HealthProber(p.outbound()), settings, config.getMaxConcurrentChecks());
        p.env().lifecycle().manage(settings);
        p.api(new AgentHealthResource(registry, health, p.clock()));
        p.api(new HealthOverviewResource(registry, health, monitor, settings, leader, p.nodeId()));
        p.api(new HealthResetResource(registry, health));
        p.api(new ConfigResource(settings));
        for (String status : List.of("healthy", "unhealthy", "flapping")) {
            p.env().metrics().register("mesh.agents." + status, new CachedGauge<Long>(10, TimeUnit.SECONDS) {
                @Override
                protected Long loadValue() {
                    try {
                        return health.all().values().stream().filter(h -> status.equals(h.status())).count();
                    } catch (RuntimeException e) {
                        return null; // unreadable: absent from /metrics, not a made-up number
                    }
                }
            });
        }
    }

    public HealthService health() {
        return health;
    }

    /** One round of active checks (the leader runs it every {@link #interval()}). */
    public Runnable checks() {
        return monitor;
    }

    public Duration interval() {
        return settings.get().interval();
    }
}
