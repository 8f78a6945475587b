package io.agentmesh.service.routing;

import io.agentmesh.service.platform.MeshMetrics;
import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.router.RoutingListener;

import java.time.Clock;

/** Counts the router's decisions and observes accept &rarr; inbox latency. */
public final class MetricsRoutingListener implements RoutingListener {

    private final MeshMetrics metrics;
    private final Clock clock;

    public MetricsRoutingListener(MeshMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void onRouted(String messageId, String agentId, long acceptedAtMs) {
        metrics.routed((clock.millis() - acceptedAtMs) / 1000.0);
    }

    @Override
    public void onDuplicate(String messageId) {
        metrics.duplicate();
    }

    @Override
    public void onRetryScheduled(String messageId, int failedAttempts) {
        metrics.retried();
    }

    @Override
    public void onDeadLetter(String messageId, DeadLetterReason reason) {
        metrics.deadLettered();
        if (reason == DeadLetterReason.RETRY_QUEUE_FULL) {
            metrics.retryQueueFull();
        }
    }
}
