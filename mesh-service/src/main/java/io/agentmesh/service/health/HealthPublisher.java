package io.agentmesh.service.health;

import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.streams.registry.AgentHealth;
import io.agentmesh.streams.registry.JsonSerde;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Writes agents' health to the compacted {@code mesh.health} topic the router reads. */
public final class HealthPublisher {

    private final MessagePublisher publisher;
    private final MeshTopics topics;
    private final Serializer<AgentHealth> serializer = new JsonSerde<>(AgentHealth.class).serializer();

    public HealthPublisher(MessagePublisher publisher, MeshTopics topics) {
        this.publisher = publisher;
        this.topics = topics;
    }

    public CompletableFuture<RecordMetadata> publish(String agentId, AgentHealth health) {
        return publisher.publish(new ProducerRecord<>(topics.health(), agentId.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topics.health(), health)), "write health of " + agentId);
    }
}
