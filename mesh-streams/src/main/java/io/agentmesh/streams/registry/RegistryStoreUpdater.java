package io.agentmesh.streams.registry;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global registry store equal to the compacted {@code mesh.registry} topic. */
final class RegistryStoreUpdater implements Processor<String, RegistryEntry, Void, Void> {

    private final String storeName;
    private KeyValueStore<String, RegistryEntry> store;

    RegistryStoreUpdater(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, RegistryEntry> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
