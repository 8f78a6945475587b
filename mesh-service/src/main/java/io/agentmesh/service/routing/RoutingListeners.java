package io.agentmesh.service.routing;

import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.router.RoutingListener;

import java.util.List;

/** Several listeners of the router's decisions, called in order. */
public final class RoutingListeners implements RoutingListener {

    private final List<RoutingListener> listeners;

    public RoutingListeners(List<RoutingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onRouted(String messageId, String agentId, long acceptedAtMs) {
        listeners.forEach(l -> l.onRouted(messageId, agentId, acceptedAtMs));
    }

    @Override
    public void onDuplicate(String messageId) {
        listeners.forEach(l -> l.onDuplicate(messageId));
    }

    @Override
    public void onRetryScheduled(String messageId, int failedAttempts) {
        listeners.forEach(l -> l.onRetryScheduled(messageId, failedAttempts));
    }

    @Override
    public void onDeadLetter(String messageId, DeadLetterReason reason) {
        listeners.forEach(l -> l.onDeadLetter(messageId, reason));
    }
}
