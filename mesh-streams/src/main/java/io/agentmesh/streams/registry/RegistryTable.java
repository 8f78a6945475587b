package io.agentmesh.streams.registry;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Adds the registry as a global store (every router instance sees every agent). */
public final class RegistryTable {

    public static final String STORE = "registry-store";

    private RegistryTable() {
    }

    public static void addTo(Topology topology, String registryTopic) {
        StoreBuilder<KeyValueStore<String, RegistryEntry>> store = Stores
                .keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), new RegistryEntrySerde())
                .withLoggingDisabled();
        topology.addGlobalStore(store, "registry-source", new StringDeserializer(),
                new RegistryEntrySerde().deserializer(), registryTopic, "registry-updater",
                () -> new RegistryStoreUpdater(STORE));
    }
}
