package io.agentmesh.service.messaging;

import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.topics.MeshTopics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Request/reply over the mesh: send a message with a correlation id (and {@code replyto} = the
 * requester), then wait for a message to the requester that carries the same correlation id. The
 * replying agent sends an ordinary message with that correlation id, through any node. A reply
 * that comes after the timeout is not lost: it is in the requester's inbox like any message.
 */
public final class RequestReply {

    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(120);

    private final MessageService messages;
    private final AgentRegistry registry;
    private final MeshTopics topics;
    private final KafkaClientProps props;
    private final BoundedGate gate;
    private final Executor waiters;

    public RequestReply(MessageService messages, AgentRegistry registry, MeshTopics topics, KafkaClientProps props,
                        BoundedGate gate, Executor waiters) {
        this.messages = messages;
        this.registry = registry;
        this.topics = topics;
        this.props = props;
        this.gate = gate;
        this.waiters = waiters;
    }

    public record Reply(String requestId, String correlationId, InboxRecord message) {
    }

    public CompletableFuture<Reply> request(MeshPrincipal caller, SendCommand command, Duration timeout) {
        SendCommand c = Senders.stamp(caller, command);
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw MeshException.invalidField("timeout_ms", "must be 1.." + MAX_TIMEOUT.toMillis());
        }
        if (c.from() == null) {
            throw MeshException.invalidField("from", "is required: the reply goes to this agent's inbox");
        }
        if (!registry.exists(c.from())) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "from: no agent '" + c.from() + "' is registered",
                    Map.of("field", "from"));
        }
        // a request with its own id keeps one correlation id however often it is resent, so a resend
        // waits for the reply to the first send (the router delivers the request itself once)
        String correlationId = c.correlationId() != null ? c.correlationId() : c.id() != null ? c.id()
                : UUID.randomUUID().toString();
        Map<String, String> extensions = new HashMap<>(c.extensions());
        extensions.put(MeshHeaders.EXT_REPLY_TO, "agent:" + c.from());
        SendCommand withCorrelation = new SendCommand(c.to(), c.from(), c.type(), c.id(), correlationId, c.key(),
                c.payload(), c.contentType(), c.source(), extensions);

        AutoCloseable permit = gate.enter();
        ReplyWatcher watcher;
        try {
            watcher = ReplyWatcher.open(topics, props, c.from(), correlationId);
        } catch (RuntimeException e) {
            release(permit);
            throw e;
        }
        CompletableFuture<SendResult> sent;
        try {
            sent = messages.send(caller, withCorrelation);
        } catch (RuntimeException e) {
            watcher.close();
            release(permit);
            throw e;
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        sent.whenComplete((accepted, error) -> {
            if (error != null) {
                watcher.close();
                release(permit);
                result.completeExceptionally(error);
                return;
            }
            try {
                waiters.execute(() -> {
                    try (watcher; permit) {
                        if (accepted.firstSentAt() != null) {
                            watcher.rewindTo(accepted.firstSentAt());
                        }
                        result.complete(watcher.await(timeout).map(r -> new Reply(accepted.id(), correlationId, r))
                                .orElseThrow(() -> new MeshException(ErrorCode.REQUEST_TIMEOUT, "no reply with correlation id "
                                        + correlationId + " within " + timeout.toMillis() + " ms; a later reply will be in the inbox of "
                                        + c.from(), Map.of("request_id", accepted.id(), "correlation_id", correlationId))));
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
            } catch (RejectedExecutionException e) {
                watcher.close();
                release(permit);
                result.completeExceptionally(new MeshException(ErrorCode.TOO_BUSY, "too many requests waiting for replies"));
            }
        });
        return result;
    }

    private static void release(AutoCloseable permit) {
        try {
            permit.close();
        } catch (Exception e) {
            // a semaphore release does not fail
        }
    }
}
