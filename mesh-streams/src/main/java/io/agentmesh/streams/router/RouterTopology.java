package io.agentmesh.streams.router;

import io.agentmesh.streams.registry.RegistryTable;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The router: {@code mesh.ingress} &rarr; dedupe &rarr; resolve &rarr; {@code mesh.agent.<id>} or
 * {@code mesh.dlq}. Keys and values pass through as bytes, so nothing here can fail to deserialize;
 * envelope problems are dead-lettered by the processor.
 */
public final class RouterTopology {

    static final String INBOX_SINK = "inbox-sink";
    static final String DLQ_SINK = "dlq-sink";
    private static final String SOURCE = "ingress-source";
    private static final String ROUTER = "router";

    private RouterTopology() {
    }

    public static Topology build(MeshTopics topics, RouterPolicy policy, RoutingListener listener) {
        Topology topology = new Topology();
        RegistryTable.addTo(topology, topics.registry());
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.ingress());
        topology.addProcessor(ROUTER, () -> new RouterProcessor(policy, listener), SOURCE);
        topology.addStateStore(DedupeStore.builder(policy.dedupeWindow()), ROUTER);
        topology.addSink(INBOX_SINK, new InboxTopicExtractor(topics), new ByteArraySerializer(),
                new ByteArraySerializer(), ROUTER);
        topology.addSink(DLQ_SINK, topics.dlq(), new ByteArraySerializer(), new ByteArraySerializer(), ROUTER);
        return topology;
    }
}
