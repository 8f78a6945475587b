package io.agentmesh.service.a2a;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.kafka.MessagePublisher;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** Appends events to the A2A task event log (acks=all, keyed by task id, so a task's events keep their order). */
public final class TaskLog {

    private final String topic;
    private final MessagePublisher publisher;
    private final ObjectMapper mapper;
    private final Clock clock;

    public TaskLog(String topic, MessagePublisher publisher, ObjectMapper mapper, Clock clock) {
        this.topic = topic;
        this.publisher = publisher;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Appends {@code event} of {@code taskId}; {@code agent} names the task's agent on its first record, else null. */
    public CompletableFuture<RecordMetadata> append(String taskId, String agent, ObjectNode event) {
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, clock.millis(),
                taskId.getBytes(StandardCharsets.UTF_8), value);
        if (agent != null) {
            r.headers().add(TaskView.AGENT_HEADER, agent.getBytes(StandardCharsets.UTF_8));
        }
        String action = "record " + event.path("kind").asText() + " of A2A task " + taskId;
        return publisher.publish(r, action).handle((md, error) -> {
            if (error != null) {
                throw KafkaFailures.translate(error, action);
            }
            return md;
        });
    }
}
