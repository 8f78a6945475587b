package io.agentmesh.service.messaging;

import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.limits.RateLimits;
import io.agentmesh.service.policy.SendPolicies;
import io.agentmesh.service.common.DrainControl;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.envelope.Target;
import io.agentmesh.streams.topics.MeshTopics;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Accepts a message: validate, build the CloudEvent, write it to {@code mesh.ingress} (binary
 * mode, acks=all). The returned future completes only once Kafka has the record.
 */
public final class MessageService {

    private final MessageValidator validator;
    private final AgentRegistry registry;
    private final MessagePublisher publisher;
    private final MeshTopics topics;
    private final String nodeId;
    private final Clock clock;
    private final DrainControl drain;
    private final RateLimits limits;
    private final SendPolicies policies;
    private final ResendPins pins;
    private final KeyOrder order;

    public MessageService(MessageValidator validator, AgentRegistry registry, MessagePublisher publisher,
                          MeshTopics topics, String nodeId, Clock clock, DrainControl drain, RateLimits limits,
                          SendPolicies policies, ResendPins pins) {
        this.pins = pins;
        this.order = new KeyOrder(publisher);
        this.limits = limits;
        this.policies = policies;
        this.validator = validator;
        this.registry = registry;
        this.publisher = publisher;
        this.topics = topics;
        this.nodeId = nodeId;
        this.clock = clock;
        this.drain = drain;
    }

    /** Validates and accepts one message from {@code caller} (who it is from is the caller's, for agents). */
    public CompletableFuture<SendResult> send(MeshPrincipal caller, SendCommand command) {
        drain.requireOpen("new messages are");
        limits.acquireSends(caller, 1);
        return accept(caller, command, command.id() != null);
    }

    /**
     * One message of a batch whose rate tokens were taken for the whole batch. {@code clientId}: its
     * id was chosen by the client (so it may be resent), not assigned by the mesh.
     */
    CompletableFuture<SendResult> accept(MeshPrincipal caller, SendCommand command, boolean clientId) {
        drain.requireOpen("new messages are");
        SendCommand c = Senders.stamp(caller, command);
        Target addressed = validator.check(c);
        if (addressed.kind() == Target.Kind.AGENT && !registry.isRoutable(addressed.value())) {
            throw new MeshException(ErrorCode.UNKNOWN_TARGET, "to: no active agent '" + addressed.value() + "' is registered",
                    Map.of("field", "to", "agent", addressed.value()));
        }
        // an agent addresses what its namespace's policy allows (a capability may stay inside its namespace)
        Target target = policies.authorize(caller, addressed);
        if (caller.isAgent() && (target.kind() == Target.Kind.NAMESPACE || target.kind() == Target.Kind.BROADCAST)) {
            // one write per agent reached: a fan-out costs its sender that many sends
            limits.acquireFanOut(caller, registry.fanOutSize(target));
        }
        String id = c.id() != null ? c.id() : UUID.randomUUID().toString();
        long now = clock.millis();
        CloudEvent event = event(c, target, id, now);
        String key = c.key() != null ? c.key() : c.correlationId() != null ? c.correlationId() : id;
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = KafkaMessageFactory
                .createWriter(topics.ingress(), null, now, keyBytes)
                .writeBinary(event);
        String action = "accept message " + id;
        CompletableFuture<ResendPins.Pin> where = !clientId || c.id() == null
                ? CompletableFuture.completedFuture(null)
                // a client-chosen id may come again, under another key: every attempt goes where the first did
                : publisher.partitionOf(topics.ingress(), keyBytes, action)
                        .thenCompose(kp -> kp.partitions() == 0 ? CompletableFuture.completedFuture(null)
                                : pins.pin(c.from(), id, kp.partition(), kp.partitions(), now));
        Long[] firstSentAt = {null};
        CompletableFuture<ProducerRecord<byte[], byte[]>> ready = where.thenApply(pin -> {
            if (pin != null && pin.resend()) {
                firstSentAt[0] = pin.firstAt();
            }
            return pin == null ? record : onPartition(record, pin.partition());
        });
        // records of one key reach Kafka in the order they were accepted, pinned or not
        return order.publish(key, ready, action)
                .thenApply(md -> new SendResult(id, "accepted", md.topic(), md.partition(), md.offset(), firstSentAt[0]))
                .handle((result, error) -> {
                    if (error != null) {
                        // the caller learns the id, so it can resend under it when the outcome is unknown
                        throw KafkaFailures.translate(error, action).with("id", id);
                    }
                    return result;
                });
    }

    private static ProducerRecord<byte[], byte[]> onPartition(ProducerRecord<byte[], byte[]> r, int partition) {
        return new ProducerRecord<>(r.topic(), partition, r.timestamp(), r.key(), r.value(), r.headers());
    }

    private CloudEvent event(SendCommand c, Target target, String id, long now) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(id)
                .withSource(c.source() != null ? URI.create(c.source()) : source(c.from()))
                .withType(c.type() != null ? c.type() : MessageValidator.DEFAULT_TYPE)
                .withTime(OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC))
                .withDataContentType(c.contentType() != null ? c.contentType() : MessageValidator.contentTypeOf(c.payload()))
                .withData(c.payload());
        c.extensions().forEach(b::withExtension);
        b.withExtension(MeshHeaders.EXT_TO, target.toString());
        if (c.from() != null) {
            b.withExtension(MeshHeaders.EXT_FROM, c.from());
        }
        if (c.correlationId() != null) {
            b.withExtension(MeshHeaders.EXT_CORRELATION_ID, c.correlationId());
        }
        return b.build();
    }

    private URI source(String from) {
        return URI.create(from != null ? "mesh://agents/" + from : "mesh://nodes/" + nodeId);
    }
}
