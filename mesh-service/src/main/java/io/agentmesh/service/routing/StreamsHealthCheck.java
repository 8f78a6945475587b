package io.agentmesh.service.routing;

import com.codahale.metrics.health.HealthCheck;
import org.apache.kafka.streams.KafkaStreams;

/** The router is up while it runs or rebalances. */
public final class StreamsHealthCheck extends HealthCheck {

    private final RouterStreams router;

    public StreamsHealthCheck(RouterStreams router) {
        this.router = router;
    }

    @Override
    protected Result check() {
        KafkaStreams.State state = router.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                ? Result.healthy("router %s", state) : Result.unhealthy("router %s", state);
    }
}
