package io.agentmesh.service.registry;

import com.codahale.metrics.CachedGauge;
import io.agentmesh.service.auth.AuthFeature;
import io.agentmesh.service.limits.RateLimits;
import io.agentmesh.service.config.HealthSettings;
import io.agentmesh.service.config.RedisSettings;
import io.agentmesh.service.platform.Platform;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The agent registry: durable in PostgreSQL, live in Redis, streamed on the registry topic;
 * registration, lookup, discovery (with its Postgres fallback), A2A cards, expiry; its endpoints,
 * the Redis health check and the registry gauges.
 */
public final class RegistryFeature {

    /** How many agents' live entries each node keeps a copy of for discovery (about 1 KiB each). */
    private static final int LIVE_COPY_AGENTS = 100_000;
    /** Registrations of a batch run this many at once on a node (their inbox topics are created together). */
    private static final int BATCH_WORKERS = 128;

    private final AgentCache cache;
    private final AgentRegistry registry;
    private final AgentLiveness liveness;
    private final AgentActivity activity;
    private final Discovery discovery;
    private final RegistryJanitor janitor;

    private final Enrollment enrollment;

    /**
     * {@code meshGroups}: the mesh's own consumer groups (the router's, the A2A applications'), ids no
     * agent may take (an agent's group is its id); {@code remoteCards}: fetches the cards of agents registered by their A2A server's URL.
     */
    public RegistryFeature(Platform p, RedisSettings redis, HealthSettings monitor, RouterView router, AuthFeature auth,
                           RateLimits limits, AgentKafkaAccess kafkaAccess, java.util.Set<String> meshGroups,
                           RemoteCards remoteCards) {
        this.cache = new AgentCache(redis.getUri(), Duration.ofMillis(redis.getHeartbeatTtl().toMilliseconds()),
                Duration.ofMillis(redis.getCommandTimeout().toMilliseconds()), p.mapper());
        AgentDao dao = new AgentDao(p.jdbi(), p.mapper());
        RegistryPublisher publisher = new RegistryPublisher(p.publisher(), p.topics());
        this.registry = new AgentRegistry(new AgentValidator(p.mapper(), meshGroups), dao, p.topicAdmin(), publisher, cache, router,
                p.topics(), p.outbound(), remoteCards);
        this.liveness = new AgentLiveness(dao, publisher, cache, p.topics());
        this.activity = new AgentActivity(liveness, Duration.ofSeconds(1));
        LiveAgentsView live = new LiveAgentsView(redis.getUri(), Duration.ofMillis(redis.getCommandTimeout().toMilliseconds()),
                LIVE_COPY_AGENTS);
        p.env().lifecycle().manage(live);
        this.discovery = new Discovery(cache, live, registry, p.mapper(), Duration.ofSeconds(2));
        this.janitor = new RegistryJanitor(registry, liveness, new KafkaLiveness(p.admin()),
                Duration.ofMillis(monitor.getDeregisteredInboxRetention().toMilliseconds()));
        p.env().lifecycle().manage(cache);
        p.env().lifecycle().manage(activity);
        p.env().lifecycle().manage(new RegistryBootstrap(p.admin(), p.topics(), registry));
        p.env().lifecycle().manage(discovery);
        p.env().healthChecks().register("redis", new RedisHealthCheck(cache));
        this.enrollment = new Enrollment(registry, auth.credentials(), auth.authenticator().enabled(), limits,
                kafkaAccess);
        java.util.concurrent.ExecutorService batchWorkers = p.env().lifecycle().executorService("batch-registration-%d")
                .minThreads(BATCH_WORKERS).maxThreads(BATCH_WORKERS).build();
        p.api(new AgentResource(registry, enrollment, new BatchEnrollment(enrollment, batchWorkers), liveness, discovery));
        p.api(new DiscoverResource(discovery, p.metrics()));
        p.api(new DiscoveryStatusResource(discovery));
        p.env().metrics().gauge("mesh.discovery.healthy", () -> () -> discovery.redisHealthy() ? 1 : 0);
        p.env().metrics().register("mesh.agents.active", new CachedGauge<Long>(10, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return registry.countByStatus().getOrDefault("active", 0L);
                } catch (RuntimeException e) {
                    return null; // unreadable: absent from /metrics, not a made-up number
                }
            }
        });
    }

    public AgentRegistry registry() {
        return registry;
    }

    /** Registration with identity (REST and gRPC). */
    public Enrollment enrollment() {
        return enrollment;
    }

    public AgentLiveness liveness() {
        return liveness;
    }

    /** Where delivery paths note that an agent read its inbox or answered a push. */
    public AgentActivity activity() {
        return activity;
    }

    public AgentCache cache() {
        return cache;
    }

    public Discovery discovery() {
        return discovery;
    }

    /** The leader's sweep: Kafka liveness, expiry of silent agents, inboxes of long-deregistered ones. */
    public Runnable janitor() {
        return janitor;
    }
}
