package io.agentmesh.service.routing;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.router.RoutingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's decisions in logs/routing.log: retries at INFO, dead letters at WARN, each routed
 * message and dropped duplicate at DEBUG ({@code DEBUG=mesh:routing}). Ids only, never payloads.
 */
public final class RoutingLog implements RoutingListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    @Override
    public void onRouted(String messageId, String agentId, long acceptedAtMs) {
        LOG.debug("message {} routed to {}", messageId, agentId);
    }

    @Override
    public void onDuplicate(String messageId) {
        LOG.debug("message {} is a duplicate within the dedupe window: dropped", messageId);
    }

    @Override
    public void onRetryScheduled(String messageId, int failedAttempts) {
        LOG.info("message {} cannot be routed yet (attempt {} failed): retry scheduled", messageId, failedAttempts);
    }

    @Override
    public void onDeadLetter(String messageId, DeadLetterReason reason) {
        LOG.warn("message {} dead-lettered: {}", messageId, reason);
    }
}
