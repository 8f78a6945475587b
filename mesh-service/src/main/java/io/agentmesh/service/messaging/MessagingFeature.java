package io.agentmesh.service.messaging;

import io.agentmesh.service.limits.RateLimits;
import io.agentmesh.service.policy.SendPolicies;
import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.common.BoundedThreads;
import io.agentmesh.service.config.MessagesSettings;
import io.agentmesh.service.config.RedisSettings;
import io.agentmesh.service.dlq.DeadLetterReader;
import io.agentmesh.service.platform.Platform;
import io.agentmesh.service.registry.AgentRegistry;

/**
 * Sending: single sends, batches and request/reply, each acknowledged only once mesh.ingress has
 * the message (acks=all); and the message log read back from mesh.events.
 */
public final class MessagingFeature {

    /** Scans of the event log (a message's life, an export) running at once on a node. */
    static final int MAX_SCANS = 4;

    private final MessageService messages;
    private final BatchSender batches;
    private final RequestReply requests;
    private final BoundedGate pendingRequests;

    public MessagingFeature(Platform p, MessagesSettings settings, RedisSettings redis, java.time.Duration dedupeWindow,
                            AgentRegistry registry, DeadLetterReader deadLetters, RateLimits limits, SendPolicies policies) {
        ResendPins pins = new ResendPins(redis.getUri(), java.time.Duration.ofMillis(redis.getCommandTimeout().toMilliseconds()),
                dedupeWindow, p.env().metrics());
        p.env().lifecycle().manage(pins);
        this.messages = new MessageService(new MessageValidator(settings.getMaxPayloadBytes()), registry, p.publisher(),
                p.topics(), p.nodeId(), p.clock(), p.drain(), limits, policies, pins);
        this.batches = new BatchSender(messages, p.drain(), settings.getMaxBatchSize(), limits);
        int maxRequests = settings.getMaxPendingRequests();
        this.pendingRequests = new BoundedGate("pending_requests", maxRequests, p.env().metrics());
        this.requests = new RequestReply(messages, registry, p.topics(), p.kafkaProps(), pendingRequests,
                BoundedThreads.create("reply-wait", maxRequests));
        p.api(new MessageResource(messages, batches, p.mapper(), p.metrics()));
        p.api(new RequestResource(requests, p.mapper()));
        p.api(new MessageLogResource(new MessageLog(p.topics(), p.kafkaProps(), p.mapper()), deadLetters, p.mapper(),
                new io.agentmesh.service.common.LongWork("event_scans", "a scan of the event log", MAX_SCANS, 5,
                        p.env().metrics())));
    }

    public MessageService messages() {
        return messages;
    }

    public BatchSender batches() {
        return batches;
    }

    public RequestReply requests() {
        return requests;
    }

    /** Request/reply calls waiting for their reply on this node. */
    public int pendingRequests() {
        return pendingRequests.inUse();
    }
}
