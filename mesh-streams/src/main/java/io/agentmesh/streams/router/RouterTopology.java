package io.agentmesh.streams.router;

import io.agentmesh.streams.registry.RegistryIndex;
import io.agentmesh.streams.registry.RegistryListener;
import io.agentmesh.streams.registry.RegistryTable;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The router: {@code mesh.ingress} &rarr; dedupe &rarr; resolve (agent, capability, namespace,
 * broadcast) &rarr; {@code mesh.agent.<id>}, a retry with backoff, or {@code mesh.dlq}; every
 * decision is also written to {@code mesh.events}. Keys and values pass through as bytes, so nothing here can fail to deserialize;
 * envelope problems are dead-lettered by the processor.
 */
public final class RouterTopology {

    static final String INBOX_SINK = "inbox-sink";
    static final String DLQ_SINK = "dlq-sink";
    static final String EVENTS_SINK = "events-sink";
    static final String ROUND_ROBIN_STORE = "round-robin-store";
    /** The window store of message ids seen within the dedupe window (queryable). */
    public static final String DEDUPE_STORE = DedupeStore.NAME;
    /** The store of messages waiting for their target (queryable: its size is the pending-retry count). */
    public static final String RETRY_QUEUE_STORE = RetryStore.MESSAGES;
    private static final String SOURCE = "ingress-source";
    private static final String ROUTER = "router";

    private RouterTopology() {
    }

    public static Topology build(MeshTopics topics, RouterPolicy policy, RoutingListener listener) {
        return build(topics, policy, listener, LoadView.NONE);
    }

    public static Topology build(MeshTopics topics, RouterPolicy policy, RoutingListener listener, LoadView load) {
        return build(topics, policy, listener, load, RegistryListener.NONE);
    }

    /** {@code registryListener} hears of every agent record the router takes in. */
    public static Topology build(MeshTopics topics, RouterPolicy policy, RoutingListener listener, LoadView load,
                                 RegistryListener registryListener) {
        return build(topics, policy, listener, load, registryListener, System::currentTimeMillis);
    }

    /** A record more than this ahead of the router's clock is taken to be at the clock's time plus this. */
    static final long MAX_AHEAD_MS = 60_000;

    /**
     * Keeping the registry in {@code index}, which the process may read too (it answers "is this
     * agent known" from memory once {@link RegistryIndex#loaded()}), with {@code inboxes} getting the
     * producers ready before each fan-out writes to several inboxes.
     */
    public static Topology build(MeshTopics topics, RouterPolicy policy, RoutingListener listener, LoadView load,
                                 InboxPreparer inboxes, RegistryIndex index) {
        return build(topics, policy, listener, load, RegistryListener.NONE, System::currentTimeMillis, index, inboxes);
    }

    static Topology build(MeshTopics topics, RouterPolicy policy, RoutingListener listener, LoadView load,
                          RegistryListener registryListener, java.util.function.LongSupplier wallClock) {
        return build(topics, policy, listener, load, registryListener, wallClock, new RegistryIndex(), InboxPreparer.NONE);
    }

    /** {@code wallClock}: the router node's clock, against which future record times are clamped. */
    static Topology build(MeshTopics topics, RouterPolicy policy, RoutingListener listener, LoadView load,
                          RegistryListener registryListener, java.util.function.LongSupplier wallClock, RegistryIndex index,
                          InboxPreparer inboxes) {
        Topology topology = new Topology();
        RegistryTable.addTo(topology, topics.registry(), registryListener, index);
        RegistryTable.addHealthTo(topology, topics.health(), index);
        // earliest is Kafka Streams' own default; stated because this form of addSource asks for it
        topology.addSource(org.apache.kafka.streams.AutoOffsetReset.earliest(), SOURCE,
                new ClampedTimestamps(wallClock, MAX_AHEAD_MS), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.ingress());
        topology.addProcessor(ROUTER, () -> new RouterProcessor(policy, listener, load, index, inboxes), SOURCE);
        topology.addStateStore(DedupeStore.builder(policy.dedupeWindow()), ROUTER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ROUND_ROBIN_STORE),
                Serdes.String(), Serdes.Long()), ROUTER);
        RetryStore.builders().forEach(b -> topology.addStateStore(b, ROUTER));
        topology.addSink(EVENTS_SINK, topics.events(), new ByteArraySerializer(), new ByteArraySerializer(), ROUTER);
        topology.addSink(INBOX_SINK, new InboxTopicExtractor(topics), new ByteArraySerializer(),
                new ByteArraySerializer(), ROUTER);
        topology.addSink(DLQ_SINK, topics.dlq(), new ByteArraySerializer(), new ByteArraySerializer(), ROUTER);
        return topology;
    }
}
