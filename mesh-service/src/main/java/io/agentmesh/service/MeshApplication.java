package io.agentmesh.service;

import com.codahale.metrics.CachedGauge;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.agentmesh.service.config.KafkaSettings;
import io.agentmesh.service.config.Roles;
import io.agentmesh.service.config.StreamsSettings;
import io.agentmesh.service.cluster.ClusterMembership;
import io.agentmesh.service.cluster.ClusterRepair;
import io.agentmesh.service.delivery.InboxSessions;
import io.agentmesh.service.delivery.LiveStreams;
import io.agentmesh.service.delivery.ActiveConnections;
import io.agentmesh.service.delivery.push.PushClient;
import io.agentmesh.service.delivery.push.PushDispatcher;
import io.agentmesh.service.delivery.push.PushOutcomes;
import io.agentmesh.service.delivery.ConnectionsResource;
import io.agentmesh.service.delivery.DrainResource;
import io.agentmesh.service.delivery.InboxStreamResource;
import io.agentmesh.service.cluster.LeaderChores;
import io.agentmesh.service.health.HealthPublisher;
import io.agentmesh.service.health.HealthCheckSettings;
import io.agentmesh.service.health.HealthDao;
import io.agentmesh.service.health.HealthMonitor;
import io.agentmesh.service.health.HealthProber;
import io.agentmesh.service.health.HealthService;
import io.agentmesh.service.health.LiveHealthSettings;
import io.agentmesh.service.registry.RegistryJanitor;
import io.agentmesh.service.health.SettingsDao;
import io.agentmesh.service.health.AgentHealthResource;
import io.agentmesh.service.health.ConfigResource;
import io.agentmesh.service.observability.GcResource;
import io.agentmesh.service.delivery.GrpcConnectionsResource;
import io.agentmesh.service.health.HealthOverviewResource;
import io.agentmesh.service.health.HealthResetResource;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.registry.AgentValidator;
import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.messaging.BatchSender;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.messaging.MessageService;
import io.agentmesh.service.messaging.MessageValidator;
import io.agentmesh.service.messaging.RequestReply;
import io.agentmesh.service.registry.AgentDao;
import io.agentmesh.service.db.DatabaseBootstrap;
import io.agentmesh.service.registry.Discovery;
import io.agentmesh.service.dlq.DeadLetterReader;
import io.agentmesh.service.dlq.DlqReplayer;
import io.agentmesh.service.dlq.ReplayAuditDao;
import io.agentmesh.service.errors.CatchAllMapper;
import io.agentmesh.service.errors.JsonErrorMapper;
import io.agentmesh.service.errors.MeshExceptionMapper;
import io.agentmesh.service.errors.WebApplicationExceptionMapper;
import io.agentmesh.service.grpc.GrpcServer;
import io.agentmesh.service.grpc.MeshGrpcService;
import io.agentmesh.service.kafka.KafkaHealthCheck;
import io.agentmesh.service.registry.RedisHealthCheck;
import io.agentmesh.service.routing.StreamsHealthCheck;
import io.agentmesh.service.cluster.ZooKeeperHealthCheck;
import io.agentmesh.service.routing.InboxLagMonitor;
import io.agentmesh.service.delivery.DeliveryEvents;
import io.agentmesh.service.delivery.InboxReader;
import io.agentmesh.service.delivery.InboxReplayer;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.service.registry.RegistryBootstrap;
import io.agentmesh.service.registry.RegistryPublisher;
import io.agentmesh.service.routing.RouterStreams;
import io.agentmesh.service.kafka.TopicAdmin;
import io.agentmesh.service.observability.MeshMetrics;
import io.agentmesh.service.routing.MetricsRoutingListener;
import io.agentmesh.service.routing.RoutingListeners;
import io.agentmesh.service.routing.RoutingLog;
import io.agentmesh.service.registry.AgentCache;
import io.agentmesh.service.queues.QueuePurger;
import io.agentmesh.service.queues.QueueStats;
import io.agentmesh.service.delivery.AgentReplayResource;
import io.agentmesh.service.registry.AgentResource;
import io.agentmesh.service.queues.QueueResource;
import io.agentmesh.service.routing.RoutingMetricsResource;
import io.agentmesh.service.routing.RoutingResource;
import io.agentmesh.service.messaging.RequestResource;
import io.agentmesh.service.cluster.ClusterResource;
import io.agentmesh.service.dlq.DeadLetterResource;
import io.agentmesh.service.registry.DiscoverResource;
import io.agentmesh.service.registry.DiscoveryStatusResource;
import io.agentmesh.service.routing.DedupeResource;
import io.agentmesh.service.messaging.MessageLogResource;
import io.agentmesh.service.messaging.MessageLog;
import io.agentmesh.service.observability.HealthResource;
import io.agentmesh.service.delivery.InboxResource;
import io.agentmesh.service.messaging.MessageResource;
import io.agentmesh.service.web.RequestSizeLimitFilter;
import io.agentmesh.streams.router.InboxMetadataWarmer;
import io.agentmesh.streams.router.RouterPolicy;
import io.agentmesh.streams.router.RouterTopology;
import io.agentmesh.streams.topics.MeshTopics;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.grpc.BindableService;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.DispatcherType;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Wiring only: builds every collaborator with plain constructors and hands them to Dropwizard. */
public class MeshApplication extends Application<MeshConfiguration> {

    private static final int ENVELOPE_ALLOWANCE = 64 * 1024;

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
    public void run(MeshConfiguration config, Environment env) throws Exception {
        String nodeId = nodeId(config);
        Roles roles = config.getRoles();
        // REST resources of the api role; health, metrics, drain and connections are on every node
        java.util.function.Consumer<Object> api = roles.api() ? env.jersey()::register : resource -> { };
        Clock clock = Clock.systemUTC();
        ObjectMapper mapper = strict(env.getObjectMapper());
        MeshTopics topics = new MeshTopics(config.getKafka().getTopicPrefix());
        MeshMetrics metrics = new MeshMetrics(env.metrics());
        int maxPayload = config.getMessages().getMaxPayloadBytes();

        DatabaseBootstrap.migrate(config.getDatabase());
        Jdbi jdbi = new JdbiFactory().build(env, config.getDatabase(), "postgres");
        AgentDao dao = new AgentDao(jdbi, mapper);

        KafkaClientProps kafkaProps = new KafkaClientProps(config.getKafka(), "mesh-" + nodeId);
        Admin admin = Admin.create(kafkaProps.admin());
        TopicAdmin topicAdmin = new TopicAdmin(admin, topics, config.getKafka());
        MessagePublisher publisher = new MessagePublisher(new KafkaProducer<>(kafkaProps.producer("publisher")));
        InboxLagMonitor lagMonitor = new InboxLagMonitor(admin, topics, config.getRouting().lagRefresh());
        RouterPolicy routerPolicy = new RouterPolicy(Duration.ofMillis(config.getStreams().getDedupeWindow().toMilliseconds()),
                maxPayload, config.getRouting().defaultStrategy(), config.getRouting().retryPolicy(),
                config.getRouting().retryTick());
        InboxMetadataWarmer inboxWarmer = new InboxMetadataWarmer(topics);
        RouterStreams router = !roles.router() ? RouterStreams.disabled() : new RouterStreams(
                RouterTopology.build(topics, routerPolicy, new RoutingListeners(List.of(
                        new MetricsRoutingListener(metrics, clock), new RoutingLog())), lagMonitor, inboxWarmer),
                streamsProperties(config.getStreams(), config.getKafka(), kafkaProps, nodeId,
                        Duration.ofMillis(config.getMonitor().getDeregisteredInboxRetention().toMilliseconds())),
                inboxWarmer);
        AgentCache cache = new AgentCache(config.getRedis().getUri(),
                Duration.ofMillis(config.getRedis().getHeartbeatTtl().toMilliseconds()),
                Duration.ofMillis(config.getRedis().getCommandTimeout().toMilliseconds()), mapper);
        CuratorFramework curator = curator(config);
        ClusterMembership membership = new ClusterMembership(curator, config.getZookeeper().getBasePath(),
                nodeId, "{\"node\":\"" + nodeId + "\",\"roles\":\"" + roles + "\"}", roles.monitor());
        LiveHealthSettings healthSettings = new LiveHealthSettings(HealthCheckSettings.from(config.getMonitor()),
                new SettingsDao(jdbi), curator, config.getZookeeper().getBasePath(), mapper);
        env.lifecycle().manage(topicAdmin);
        env.lifecycle().manage(publisher);
        env.lifecycle().manage(lagMonitor);
        env.lifecycle().manage(router);
        env.lifecycle().manage(cache);
        env.lifecycle().manage(membership);
        env.lifecycle().manage(healthSettings);

        AgentRegistry registry = new AgentRegistry(new AgentValidator(mapper), dao, topicAdmin,
                new RegistryPublisher(publisher, topics), cache, router, topics);
        env.lifecycle().manage(new RegistryBootstrap(admin, topics, registry));
        DrainControl drain = new DrainControl();
        MessageService messages = new MessageService(new MessageValidator(maxPayload), registry, publisher, topics,
                nodeId, clock, drain);
        InboxReader reader = new InboxReader(topics, kafkaProps);
        DeliveryEvents deliveries = new DeliveryEvents(publisher, topics, mapper, clock);
        DeadLetterReader deadLetters = new DeadLetterReader(topics, kafkaProps);
        DlqReplayer replayer = new DlqReplayer(deadLetters, publisher, new ReplayAuditDao(jdbi), topics, mapper, clock);

        env.jersey().register(new MeshExceptionMapper());
        env.jersey().register(new JsonErrorMapper());
        env.jersey().register(new WebApplicationExceptionMapper());
        env.jersey().register(new CatchAllMapper());
        env.jersey().register(new HealthResource(env.healthChecks(),
                roles.router() ? Set.of("kafka", "streams") : Set.of("kafka"), nodeId, drain));
        Discovery discovery = new Discovery(cache, registry, mapper, Duration.ofSeconds(2));
        env.lifecycle().manage(discovery);
        env.metrics().gauge("mesh.discovery.healthy", () -> () -> discovery.redisHealthy() ? 1 : 0);
        api.accept(new AgentResource(registry, discovery));
        api.accept(new DiscoverResource(discovery, metrics));
        api.accept(new DiscoveryStatusResource(discovery));
        HealthService health = new HealthService(new HealthDao(jdbi), new HealthPublisher(publisher, topics),
                healthSettings, config.getMonitor().getHistoryLimit(), env.metrics().counter("mesh.agent.status_changes"),
                clock);
        HealthMonitor monitor = new HealthMonitor(registry, health, new HealthProber(), healthSettings,
                config.getMonitor().getMaxConcurrentChecks());
        LeaderChores chores = new LeaderChores(membership::isLeader);
        chores.add("health-checks", () -> healthSettings.get().interval(), monitor);
        Duration sweepEvery = Duration.ofMillis(config.getMonitor().getExpirySweepInterval().toMilliseconds());
        chores.add("registry-sweep", () -> sweepEvery, new RegistryJanitor(registry, dao, topicAdmin,
                Duration.ofMillis(config.getMonitor().getDeregisteredInboxRetention().toMilliseconds())));
        if (roles.monitor()) {
            env.lifecycle().manage(chores);
        }
        api.accept(new AgentHealthResource(registry, health, clock));
        for (String status : List.of("healthy", "unhealthy", "flapping")) {
            env.metrics().register("mesh.agents." + status, new CachedGauge<Long>(10, TimeUnit.SECONDS) {
                @Override
                protected Long loadValue() {
                    try {
                        return health.all().values().stream().filter(h -> status.equals(h.status())).count();
                    } catch (RuntimeException e) {
                        return -1L;
                    }
                }
            });
        }
        api.accept(new HealthOverviewResource(registry, health, monitor, healthSettings, membership::leader, nodeId));
        api.accept(new HealthResetResource(registry, health));
        api.accept(new ConfigResource(healthSettings));
        int expectedNodes = config.getZookeeper().getExpectedNodes();
        api.accept(new ClusterResource(membership, expectedNodes,
                new ClusterRepair(registry, cache, router, discovery, health), chores));
        env.metrics().gauge("mesh.expected_nodes", () -> () -> expectedNodes);
        env.metrics().register("mesh.cluster_nodes", new CachedGauge<Integer>(2, TimeUnit.SECONDS) {
            @Override
            protected Integer loadValue() {
                try {
                    return membership.members().size();
                } catch (Exception e) {
                    return 0;
                }
            }
        });
        BatchSender batches = new BatchSender(messages, drain, config.getMessages().getMaxBatchSize());
        api.accept(new MessageResource(messages, batches, mapper, metrics));
        api.accept(new DeadLetterResource(deadLetters, replayer, mapper));
        api.accept(new RoutingResource(router, lagMonitor, registry, topics));
        api.accept(new RoutingMetricsResource(metrics));
        api.accept(new DedupeResource(router, metrics, routerPolicy.dedupeWindow()));
        api.accept(new AgentReplayResource(new InboxReplayer(topics, kafkaProps, publisher,
                config.getMessages().getReplayRatePerSecond(), clock), registry, mapper));
        api.accept(new MessageLogResource(new MessageLog(topics, kafkaProps, mapper), deadLetters, mapper));
        QueueStats queueStats = new QueueStats(admin, topics, config.getStreams().getApplicationId(), router::pendingRetries);
        api.accept(new QueueResource(queueStats, new QueuePurger(admin, topics, clock)));
        env.metrics().register("mesh.queue.depth", new CachedGauge<Long>(5, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return queueStats.snapshot().depth();
                } catch (RuntimeException e) {
                    return -1L;
                }
            }
        });
        ExecutorService streamThreads = boundedThreads("grpc-subscribe", config.getMessages().getMaxSubscriptions());
        InboxSessions inboxSessions = new InboxSessions(reader, deliveries, streamThreads, curator,
                config.getZookeeper().getBasePath(), nodeId, config.getMessages().getMaxCreditPerStream(),
                config.getMessages().getMaxStreamsPerAgent(), drain);
        BoundedGate longPolls = new BoundedGate("long_poll", config.getMessages().getMaxConcurrentPolls(), env.metrics());
        api.accept(new InboxResource(reader, registry, longPolls, mapper,
                config.getMessages().getMaxPollWaitSeconds(), deliveries, inboxSessions));
        env.servlets().addFilter("request-size", new RequestSizeLimitFilter(maxPayload + ENVELOPE_ALLOWANCE,
                        Map.of("/api/v1/messages/batch", config.getMessages().getMaxBatchBytes()), mapper))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
        env.servlets().addServlet("prometheus", new PrometheusMetricsServlet(metrics.prometheus())).addMapping("/metrics");

        env.healthChecks().register("kafka", new KafkaHealthCheck(admin));
        if (roles.router()) {
            env.healthChecks().register("streams", new StreamsHealthCheck(router));
        }
        env.healthChecks().register("redis", new RedisHealthCheck(cache));
        env.healthChecks().register("zookeeper", new ZooKeeperHealthCheck(membership));

        int maxRequests = config.getMessages().getMaxPendingRequests();
        BoundedGate pendingRequests = new BoundedGate("pending_requests", maxRequests, env.metrics());
        RequestReply requests = new RequestReply(messages, registry, topics, kafkaProps, pendingRequests,
                boundedThreads("reply-wait", maxRequests));
        api.accept(new RequestResource(requests, mapper));

        env.jersey().register(new GrpcConnectionsResource(inboxSessions));
        LiveStreams sseStreams = new LiveStreams();
        BoundedGate sseGate = new BoundedGate("sse", config.getMessages().getMaxSubscriptions(), env.metrics());
        api.accept(new InboxStreamResource(reader, registry, sseGate, mapper, deliveries, drain, sseStreams,
                boundedThreads("sse", config.getMessages().getMaxSubscriptions())));
        BoundedGate subscriptions = new BoundedGate("grpc_subscriptions", config.getMessages().getMaxSubscriptions(),
                env.metrics());
        MeshGrpcService grpcService = new MeshGrpcService(registry, messages, batches, reader, subscriptions, streamThreads,
                metrics, requests, deliveries, inboxSessions, config.getMessages().getMaxCreditPerStream());
        // one gRPC message is a single send or a whole SendBatch
        int maxGrpcMessage = (int) Math.max(maxPayload + ENVELOPE_ALLOWANCE, config.getMessages().getMaxBatchBytes());
        GrpcServer grpcServer = new GrpcServer(config.getGrpc(), maxGrpcMessage, List.of(grpcService),
                streamThreads);
        if (roles.grpc()) {
            env.lifecycle().manage(grpcServer);
        }

        ActiveConnections active = new ActiveConnections()
                .add("grpc_connect_streams", () -> inboxSessions.streams().size())
                .add("grpc_subscribe_streams", subscriptions::inUse)
                .add("sse_streams", sseStreams::count)
                .add("long_polls", longPolls::inUse)
                .add("pending_requests", pendingRequests::inUse);
        Duration drainGrace = Duration.ofMillis(config.getMessages().getDrainGrace().toMilliseconds());
        ExecutorService drainer = boundedThreads("drain", 1);
        env.jersey().register(new DrainResource(drain, () -> {
            grpcServer.setServing(false);
            sseStreams.endAll();
            grpcService.endSubscriptions("node draining");
            drainer.execute(() -> {
                try {
                    inboxSessions.drain(drainGrace);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }, () -> grpcServer.setServing(true), active));
        env.jersey().register(new ConnectionsResource(active, drain));
        env.jersey().register(new GcResource());
        // the runbook's scaling table: connected agents, gRPC connections, active connections
        env.metrics().gauge("mesh.connections.active", () -> () -> (Integer) active.snapshot().get("count"));
        env.metrics().gauge("mesh.grpc.streams", () -> () -> inboxSessions.streams().size() + subscriptions.inUse());
        env.metrics().gauge("mesh.agents.connected", () -> () -> inboxSessions.agents().size());
        env.metrics().register("mesh.agents.active", new CachedGauge<Long>(10, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return registry.countByStatus().getOrDefault("active", 0L);
                } catch (RuntimeException e) {
                    return -1L;
                }
            }
        });
        PushDispatcher push = new PushDispatcher(registry, reader, new PushClient(),
                new PushOutcomes(publisher, topics, deliveries, clock), config.getRouting().retryPolicy(),
                Duration.ofMillis(config.getMessages().getPushTimeout().toMilliseconds()),
                config.getMessages().getPushConcurrency(), membership::isLeader, boundedThreads("push", 1024),
                boundedThreads("push-lane", 1024));
        if (roles.monitor()) {
            env.lifecycle().manage(push);
        }
        LoggerFactory.getLogger(MeshApplication.class).info("node {} runs roles {}", nodeId, roles);
        env.lifecycle().addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(org.eclipse.jetty.util.component.LifeCycle event) {
                sseStreams.endAll();
                inboxSessions.stopAll();
            }
        });
    }

    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        var textual = mapper.coercionConfigFor(LogicalType.Textual);
        textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        textual.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Collection).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        return mapper;
    }

    private static Properties streamsProperties(StreamsSettings streams, KafkaSettings kafka, KafkaClientProps props,
                                                String nodeId, Duration inboxRetention) {
        Properties p = new Properties();
        p.putAll(props.common());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, streams.getApplicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(streams.getStateDir(), nodeId).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "20");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(kafka.getReplicationFactor()));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        p.put(StreamsConfig.CLIENT_ID_CONFIG, "mesh-" + nodeId + "-router");
        // a node that died is noticed in 10 s rather than the default 45 s
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), "3000");
        // the router keeps inbox metadata for agents that are written to rarely (the default forgets it after
        // 5 idle minutes and the next send waits for it on the stream thread); never longer than a deregistered
        // agent's inbox is kept, so it does not ask after deleted topics
        p.put(StreamsConfig.producerPrefix(ProducerConfig.METADATA_MAX_IDLE_CONFIG),
                Long.toString(Math.min(Duration.ofDays(1).toMillis(), Math.max(Duration.ofMinutes(5).toMillis(),
                        inboxRetention.toMillis()))));
        p.putAll(streams.getProperties());
        return p;
    }

    private static CuratorFramework curator(MeshConfiguration config) {
        var zk = config.getZookeeper();
        return CuratorFrameworkFactory.builder()
                .connectString(zk.getConnect())
                .sessionTimeoutMs((int) zk.getSessionTimeout().toMilliseconds())
                .connectionTimeoutMs((int) zk.getConnectionTimeout().toMilliseconds())
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000))
                .build();
    }

    private static ExecutorService boundedThreads(String name, int max) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The configured node id, else host name + REST port (stable across restarts), else a random suffix. */
    private static String nodeId(MeshConfiguration config) {
        if (config.getNodeId() != null && !config.getNodeId().isEmpty()) {
            return config.getNodeId();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName().replaceAll("[^a-zA-Z0-9.-]", "-");
        } catch (Exception e) {
            host = "node";
        }
        int port = config.getServerFactory() instanceof SimpleServerFactory simple
                && simple.getConnector() instanceof HttpConnectorFactory http ? http.getPort() : 0;
        return host + "-" + (port > 0 ? Integer.toString(port) : UUID.randomUUID().toString().substring(0, 8));
    }
}
