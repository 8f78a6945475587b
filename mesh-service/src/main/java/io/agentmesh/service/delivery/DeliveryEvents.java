package io.agentmesh.service.delivery;

import io.agentmesh.service.kafka.MessagePublisher;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Records on {@code mesh.events} of what happened at the agent's end: {@code delivered} (via
 * long-poll, sse, grpc, push), {@code acked} (per message for Connect; by position, keyed by the
 * agent, for long-poll and gRPC Ack) and {@code dead_lettered} after push:
 * {@code {"event", "id", "agent", "via", "to", "from", "type", "key", "bytes", "partition", "offset", "time"}}.
 * Best effort: an event that cannot be written is logged, never fails the delivery itself.
 * Messages an agent reads straight from Kafka have no delivered event.
 */
public final class DeliveryEvents {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.routing");

    private final MessagePublisher publisher;
    private final MeshTopics topics;
    private final ObjectMapper mapper;
    private final Clock clock;

    public DeliveryEvents(MessagePublisher publisher, MeshTopics topics, ObjectMapper mapper, Clock clock) {
        this.publisher = publisher;
        this.topics = topics;
        this.mapper = mapper;
        this.clock = clock;
    }

    public void delivered(String agentId, String via, List<InboxRecord> records) {
        for (InboxRecord r : records) {
            write(r, "delivered", agentId, e -> e.put("via", via));
        }
    }

    /** Messages the agent acknowledged one by one (gRPC Connect), each on its own message's record. */
    public void acked(String agentId, String via, List<InboxRecord> records) {
        for (InboxRecord r : records) {
            write(r, "acked", agentId, e -> e.put("via", via));
        }
    }

    /**
     * An acknowledgement by position (long-poll, gRPC Ack): everything of the agent's inbox before
     * these offsets is done. Keyed by agent id, since a position names no single message.
     */
    public void ackedUpTo(String agentId, String via, java.util.Map<Integer, Long> offsets) {
        long now = clock.millis();
        ObjectNode e = mapper.createObjectNode();
        e.put("event", "acked");
        e.put("agent", agentId);
        e.put("via", via);
        ObjectNode o = e.putObject("offsets");
        offsets.forEach((p, off) -> o.put(Integer.toString(p), off));
        e.put("time", Instant.ofEpochMilli(now).toString());
        try {
            publisher.publish(new ProducerRecord<>(topics.events(), null, now, agentId.getBytes(StandardCharsets.UTF_8),
                    mapper.writeValueAsBytes(e)), "record ack of " + agentId)
                    .exceptionally(t -> {
                        LOG.debug("ack event for {} not written: {}", agentId, t.getMessage());
                        return null;
                    });
        } catch (JsonProcessingException ex) {
            LOG.debug("ack event for {} not serializable", agentId);
        }
    }

    /** A message given up on after delivery (push): it is in the DLQ with this reason. */
    public void deadLettered(String agentId, InboxRecord r, String reason, String error) {
        write(r, "dead_lettered", agentId, e -> {
            e.put("via", "push");
            e.put("reason", reason);
            e.put("error", error);
        });
    }

    private static void putIfSet(ObjectNode e, String field, String value) {
        if (value != null) {
            e.put(field, value);
        }
    }

    private void write(InboxRecord r, String event, String agentId, java.util.function.Consumer<ObjectNode> extra) {
        if (r.id() == null) {
            return;
        }
        long now = clock.millis();
        ObjectNode e = mapper.createObjectNode();
        e.put("event", event);
        e.put("id", r.id());
        e.put("agent", agentId);
        extra.accept(e);
        // what the message is, so each event stands alone (analytics taps read them)
        putIfSet(e, "to", r.to());
        putIfSet(e, "from", r.from());
        putIfSet(e, "type", r.type());
        if (r.key() != null) {
            e.put("key", new String(r.key(), StandardCharsets.UTF_8));
        }
        e.put("bytes", r.payload().length);
        e.put("partition", r.partition());
        e.put("offset", r.offset());
        e.put("time", Instant.ofEpochMilli(now).toString());
        try {
            publisher.publish(new ProducerRecord<>(topics.events(), null, now, r.id().getBytes(StandardCharsets.UTF_8),
                    mapper.writeValueAsBytes(e)), "record " + event + " of " + r.id())
                    .exceptionally(t -> {
                        LOG.debug("{} event for {} not written: {}", event, r.id(), t.getMessage());
                        return null;
                    });
        } catch (JsonProcessingException ex) {
            LOG.debug("{} event for {} not serializable", event, r.id());
        }
    }
}
