package io.agentmesh.streams.registry;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.function.BiConsumer;

/**
 * Keeps a global store equal to its compacted topic ({@code mesh.registry}, {@code mesh.health}) and
 * tells {@code onChange} of each record after the store has it (value null for a tombstone).
 */
final class RegistryStoreUpdater<V> implements Processor<String, V, Void, Void> {

    private final String storeName;
    private final BiConsumer<String, V> onChange;
    private KeyValueStore<String, V> store;

    RegistryStoreUpdater(String storeName, BiConsumer<String, V> onChange) {
        this.storeName = storeName;
        this.onChange = onChange;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        onChange.accept(record.key(), record.value());
    }
}
