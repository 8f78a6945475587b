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

    public RoutingFeature(Platform platform, StreamsSettings streams, RoutingSettings routing, MessagesSettings messages,
                          HealthSettings monitor) {
        this.platform = platform;
        this.policy = new RouterPolicy(Duration.ofMillis(streams.getDedupeWindow().toMilliseconds()),
                messages.getMaxPayloadBytes(), routing.defaultStrategy(), routing.retryPolicy(), routing.retryTick());
        this.lag = new InboxLagMonitor(platform.admin(), platform.topics(), routing.lagRefresh());
        InboxMetadataWarmer warmer = new InboxMetadataWarmer(platform.topics());
        RegistryIndex index = new RegistryIndex();
        this.router = !platform.roles().router() ? RouterStreams.disabled() : new RouterStreams(
                RouterTopology.build(platform.topics(), policy, new RoutingListeners(List.of(
                        new MetricsRoutingListener(platform.metrics(), platform.clock()), new RoutingLog())), lag, warmer,
                        index),
                RouterStreamsConfig.properties(streams, platform.kafka(), platform.kafkaProps(), platform.nodeId(),
                        Duration.ofMillis(monitor.getDeregisteredInboxRetention().toMilliseconds())),
                warmer, index);
        platform.env().lifecycle().manage(lag);
        platform.env().lifecycle().manage(router);
        if (platform.roles().router()) {
            platform.env().healthChecks().register("streams", new StreamsHealthCheck(router));
        }
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
