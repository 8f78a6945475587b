package io.agentmesh.service;

import io.agentmesh.service.a2a.A2aCardFetcher;
import io.agentmesh.service.a2a.A2aFeature;
import io.agentmesh.service.auth.AuthFeature;
import io.agentmesh.service.cluster.ClusterFeature;
import io.agentmesh.service.registry.AgentNamespaces;
import io.agentmesh.service.limits.RateLimits;
import io.agentmesh.service.delivery.DeliveryFeature;
import io.agentmesh.service.dlq.DlqFeature;
import io.agentmesh.service.grpc.GrpcFeature;
import io.agentmesh.service.health.HealthFeature;
import io.agentmesh.service.kafkaaccess.KafkaAccessFeature;
import io.agentmesh.service.messaging.MessagingFeature;
import io.agentmesh.service.observability.ObservabilityFeature;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.policy.PolicyFeature;
import io.agentmesh.service.queues.QueuesFeature;
import io.agentmesh.service.registry.RegistryFeature;
import io.agentmesh.service.routing.RoutingFeature;
import io.agentmesh.service.tls.ApiTls;
import io.agentmesh.service.tls.TlsMaterial;
import io.agentmesh.service.web.RestSetup;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import org.slf4j.LoggerFactory;

/**
 * Wiring only: the shared clients, then each feature of the mesh built from them and from the
 * features it stands on. A feature registers its own endpoints, managed objects, health checks and
 * gauges; roles decide which of them a node runs.
 */
public class MeshApplication extends Application<MeshConfiguration> {

    /** How often the leader fetches the cards of agents behind A2A servers again (which keeps them alive). */
    static final java.time.Duration A2A_CARD_REFRESH = java.time.Duration.ofSeconds(10);

    /** How often the leader tells the taps application every tap again and deletes expired tap topics. */
    static final java.time.Duration TAPS_RECONCILE = java.time.Duration.ofSeconds(15);

    public static void main(String[] args) throws Exception {
        new MeshApplication().run(args);
    }

    @Override
    public String getName() {
        return "agent-mesh";
    }

    @Override
    public void initialize(Bootstrap<MeshConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    }

    @Override
    public void run(MeshConfiguration config, Environment env) {
        TlsMaterial tls = config.getTls().enabled() ? TlsMaterial.load(config.getTls()) : null;
        if (tls != null) {
            config.useApiConnector(ApiTls.connector(config.apiConnector(), tls));
        }
        Platform platform = Platform.start(env, config.effectiveNodeId(), config.getRoles(), config.getKafka(),
                config.getZookeeper(), config.getDatabase(), config.getMessages().maxMessageBytes(), config.getOutbound());
        RestSetup.register(env, platform.mapper(), config.getMessages());
        AgentNamespaces namespaces = new AgentNamespaces(platform.jdbi());
        AuthFeature auth = new AuthFeature(platform, config.getAuth(), config.listenHosts(), namespaces::isDeregistered,
                namespaces::isRegistered);
        RateLimits limits = new RateLimits(config.getLimits(), namespaces, env.metrics());
        PolicyFeature policies = new PolicyFeature(platform, namespaces);
        new ObservabilityFeature(platform);

        RoutingFeature routing = new RoutingFeature(platform, config.getStreams(), config.getRouting(),
                config.getMessages(), config.getMonitor());
        io.agentmesh.service.taps.TapDao tapDao = new io.agentmesh.service.taps.TapDao(platform.jdbi(), platform.mapper());
        KafkaAccessFeature kafkaAccess = new KafkaAccessFeature(platform, config.getKafka(),
                config.getStreams().getApplicationId(), tapDao::reads);
        A2aCardFetcher a2aCards = new A2aCardFetcher(platform.outbound(), platform.mapper());
        RegistryFeature registry = new RegistryFeature(platform, config.getRedis(), config.getMonitor(), routing.router(),
                auth, limits, kafkaAccess.grants(), java.util.Set.of(config.getStreams().getApplicationId(),
                        config.getStreams().getApplicationId() + "-" + A2aFeature.SNAPSHOTS,
                        config.getStreams().getApplicationId() + "-" + A2aFeature.PUSH_GROUP,
                        config.getStreams().getApplicationId() + "-" + io.agentmesh.service.taps.TapsFeature.APPLICATION),
                a2aCards);
        routing.register(registry.registry());
        ClusterFeature cluster = new ClusterFeature(platform, config.getZookeeper());
        HealthFeature health = new HealthFeature(platform, config.getMonitor(), registry.registry(),
                cluster.membership()::leader);
        cluster.chore("health-checks", health::interval, health.checks());
        cluster.chore("registry-sweep", config.getMonitor()::expirySweepInterval, registry.janitor());
        cluster.chore("kafka-access", kafkaAccess::interval, kafkaAccess.reconciler());
        cluster.register(registry, routing.router(), health.health());

        DlqFeature dlq = new DlqFeature(platform);
        MessagingFeature messaging = new MessagingFeature(platform, config.getMessages(), config.getRedis(),
                java.time.Duration.ofMillis(config.getStreams().getDedupeWindow().toMilliseconds()), registry.registry(),
                dlq.deadLetters(), limits, policies.policies());
        new QueuesFeature(platform, config.getStreams().getApplicationId(), routing.router()::pendingRetries,
                config.getMessages().minPurgeAge());
        A2aFeature a2a = new A2aFeature(platform, registry.registry(), messaging.messages(), config.getAuth().isEnabled(),
                config.getStreams().getApplicationId(), a2aCards, registry.activity(),
                java.time.Duration.ofMillis(config.getMessages().getA2aCallTimeout().toMilliseconds()),
                routing.runsRouter() ? routing.siblingProperties(A2aFeature.SNAPSHOTS,
                        io.agentmesh.streams.a2a.TaskSnapshots.MAX_STATE_BYTES + (1 << 20)) : null);
        cluster.chore("a2a-cards", () -> A2A_CARD_REFRESH, a2a.cardRefresher());
        io.agentmesh.service.taps.TapsFeature taps = new io.agentmesh.service.taps.TapsFeature(platform,
                tapDao, registry.registry(), kafkaAccess.tapAccess(), routing.runsRouter()
                        ? routing.siblingProperties(io.agentmesh.service.taps.TapsFeature.APPLICATION, 1 << 20) : null);
        cluster.chore("taps", () -> TAPS_RECONCILE, taps.reconciler(platform.clock()));
        DeliveryFeature delivery = new DeliveryFeature(platform, config.getMessages(), config.getRouting(), config.getRedis(),
                registry.registry(), registry.activity(), cluster.membership()::isLeader,
                java.util.Map.of(io.agentmesh.service.registry.AgentRecord.A2A, a2a.outbound()));
        delivery.countConnections("pending_requests", messaging::pendingRequests);
        GrpcFeature grpc = new GrpcFeature(platform, config.getGrpc(), config.getMessages(), registry, messaging, delivery, auth,
                tls, a2a.taskUpdates());
        auth.onAgentRevoked(agentId -> {
            delivery.endStreamsOf(agentId);
            grpc.endStreamsOf(agentId);
        });

        // managed last, so stopped first: every Streams application starts closing at once
        env.lifecycle().manage(platform.streamsShutdown());
        LoggerFactory.getLogger(MeshApplication.class).info("node {} runs roles {}", platform.nodeId(), platform.roles());
    }
}
