package io.agentmesh.streams.registry;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.function.BiConsumer;

/**
 * Adds the registry and the health topic as global stores (every router instance sees every agent
 * and its health).
 */
public final class RegistryTable {

    public static final String STORE = "registry-store";
    public static final String HEALTH_STORE = "health-store";

    private RegistryTable() {
    }

    /** The registry store; every change also goes to {@code index} and every record to {@code listener}. */
    public static void addTo(Topology topology, String registryTopic, RegistryListener listener, RegistryIndex index) {
        add(topology, STORE, registryTopic, "registry", new RegistryEntrySerde(), (id, entry) -> {
            if (entry == null) {
                index.delete(id);
            } else {
                index.upsert(entry);
                listener.onUpsert(entry);
            }
        });
    }

    /** The health store; every change also goes to {@code index}. */
    public static void addHealthTo(Topology topology, String healthTopic, RegistryIndex index) {
        add(topology, HEALTH_STORE, healthTopic, "health", new JsonSerde<>(AgentHealth.class), index::health);
    }

    private static <V> void add(Topology topology, String storeName, String topic, String name, JsonSerde<V> serde,
                                BiConsumer<String, V> onChange) {
        StoreBuilder<KeyValueStore<String, V>> store = Stores
                .keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), serde)
                .withLoggingDisabled();
        topology.addGlobalStore(store, name + "-source", new StringDeserializer(), serde.deserializer(), topic,
                name + "-updater", () -> new RegistryStoreUpdater<V>(storeName, onChange));
    }
}
