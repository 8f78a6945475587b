package io.agentmesh.service.registry;

import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryEntrySerde;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Writes agent records, and tombstones, to the compacted registry topic the router reads. */
public final class RegistryPublisher {

    private final MessagePublisher publisher;
    private final MeshTopics topics;
    private final Serializer<RegistryEntry> serializer = new RegistryEntrySerde().serializer();

    public RegistryPublisher(MessagePublisher publisher, MeshTopics topics) {
        this.publisher = publisher;
        this.topics = topics;
    }

    public CompletableFuture<RecordMetadata> publish(RegistryEntry entry) {
        return send(entry.id(), serializer.serialize(topics.registry(), entry));
    }

    public CompletableFuture<RecordMetadata> tombstone(String agentId) {
        return send(agentId, null);
    }

    private CompletableFuture<RecordMetadata> send(String agentId, byte[] value) {
        return publisher.publish(new ProducerRecord<>(topics.registry(),
                agentId.getBytes(StandardCharsets.UTF_8), value), "write registry record for " + agentId);
    }
}
