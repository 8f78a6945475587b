package io.agentmesh.service.messaging;

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

    public MessageService(MessageValidator validator, AgentRegistry registry, MessagePublisher publisher,
                          MeshTopics topics, String nodeId, Clock clock, DrainControl drain) {
        this.validator = validator;
        this.registry = registry;
        this.publisher = publisher;
        this.topics = topics;
        this.nodeId = nodeId;
        this.clock = clock;
        this.drain = drain;
    }

    public CompletableFuture<SendResult> send(SendCommand c) {
        drain.requireOpen("new messages are");
        Target target = validator.check(c);
        if (target.kind() == Target.Kind.AGENT && !registry.isRoutable(target.value())) {
            throw new MeshException(ErrorCode.UNKNOWN_TARGET, "to: no active agent '" + target.value() + "' is registered",
                    Map.of("field", "to", "agent", target.value()));
        }
        String id = c.id() != null ? c.id() : UUID.randomUUID().toString();
        long now = clock.millis();
        CloudEvent event = event(c, target, id, now);
        String key = c.key() != null ? c.key() : c.correlationId() != null ? c.correlationId() : id;
        ProducerRecord<byte[], byte[]> record = KafkaMessageFactory
                .createWriter(topics.ingress(), null, now, key.getBytes(StandardCharsets.UTF_8))
                .writeBinary(event);
        return publisher.publish(record, "accept message " + id)
                .handle((md, error) -> {
                    if (error != null) {
                        // the caller learns the id, so it can resend under it when the outcome is unknown
                        throw KafkaFailures.translate(error, "accept message " + id).with("id", id);
                    }
                    return new SendResult(id, "accepted", md.topic(), md.partition(), md.offset());
                });
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
