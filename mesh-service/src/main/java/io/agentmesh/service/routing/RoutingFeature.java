package io.agentmesh.service.routing;

import io.agentmesh.service.config.HealthSettings;
import io.agentmesh.service.config.MessagesSettings;
import io.agentmesh.service.config.RoutingSettings;
import io.agentmesh.service.config.StreamsSettings;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.streams.router.InboxMetadataWarmer;
import io.agentmesh.streams.router.RouterPolicy;
import io.agentmesh.streams.registry.RegistryIndex;
import io.agentmesh.streams.router.RouterTopology;

import java.time.Duration;
import java.util.List;

/**
 * The router of a node with the router role: the Kafka Streams topology (mesh-streams) run
 * in-process with its Streams settings, inbox lag for least-loaded routing, its health check, and
 * the routing, routing-metrics and dedupe endpoints. On other nodes the router is a disabled stub.
 */
public final class RoutingFeature {

    private final Platform platform;
    private final RouterPolicy policy;
    private final InboxLagMonitor lag;
    private final RouterStreams router;
    private final java.util.Properties routerProperties;

    public RoutingFeature(Platform platform, StreamsSettings streams, RoutingSettings routing, MessagesSettings messages,
                          HealthSettings monitor) {
        this.platform = platform;
        this.policy = new RouterPolicy(Duration.ofMillis(streams.getDedupeWindow().toMilliseconds()),
                messages.getMaxPayloadBytes(), routing.defaultStrategy(), routing.retryPolicy(), routing.retryTick());
        this.lag = new InboxLagMonitor(platform.admin(), platform.topics(), routing.lagRefresh());
        InboxMetadataWarmer warmer = new InboxMetadataWarmer(platform.topics());
        RegistryIndex index = new RegistryIndex();
        this.routerProperties = RouterStreamsConfig.properties(streams, platform.kafka(), platform.kafkaProps(),
                platform.nodeId(), Duration.ofMillis(monitor.getDeregisteredInboxRetention().toMilliseconds()));
        this.router = !platform.roles().router() ? RouterStreams.disabled() : new RouterStreams(
                RouterTopology.build(platform.topics(), policy, new RoutingListeners(List.of(
                        new MetricsRoutingListener(platform.metrics(), platform.clock()), new RoutingLog())), lag, warmer,
                        index),
                routerProperties, warmer, index, platform.streamsShutdown());
        platform.env().lifecycle().manage(lag);
        platform.env().lifecycle().manage(router);
        platform.streamsShutdown().add(router::beginClose);
        if (platform.roles().router()) {
            platform.env().healthChecks().register("streams", new StreamsHealthCheck(router));
        }
    }

    /**
     * The properties of a Kafka Streams application that runs beside the router on router nodes
     * ({@code <applicationId>-<suffix>}): the router's guarantee, state directory and client
     * settings, its own application id and client id, records up to {@code maxRecordBytes}.
     */
    public java.util.Properties siblingProperties(String suffix, int maxRecordBytes) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(routerProperties);
        p.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG,
                routerProperties.get(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG) + "-" + suffix);
        p.put(org.apache.kafka.streams.StreamsConfig.CLIENT_ID_CONFIG,
                routerProperties.get(org.apache.kafka.streams.StreamsConfig.CLIENT_ID_CONFIG) + "-" + suffix);
        p.put(org.apache.kafka.streams.StreamsConfig.producerPrefix(
                org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Integer.toString(maxRecordBytes));
        return p;
    }

    /** Whether this node runs the router (and the applications beside it). */
    public boolean runsRouter() {
        return router.enabled();
    }

    public RouterStreams router() {
        return router;
    }

    /** The routing endpoints; they read the registry, which is built after the router. */
    public void register(AgentRegistry registry) {
        platform.api(new RoutingResource(router, lag, registry, platform.topics()));
        platform.api(new RoutingMetricsResource(platform.metrics()));
        platform.api(new DedupeResource(router, platform.metrics(), policy.dedupeWindow()));
    }
}
