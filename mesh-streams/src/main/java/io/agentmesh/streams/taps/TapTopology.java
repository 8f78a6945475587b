package io.agentmesh.streams.taps;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.streams.registry.RegistryIndex;
import io.agentmesh.streams.registry.RegistryListener;
import io.agentmesh.streams.registry.RegistryTable;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The taps' own Kafka Streams application, beside the router and off its path: reads
 * {@code mesh.ingress} (the messages as accepted, with their payloads) and {@code mesh.events} (what
 * became of them), and writes each event to the topic of every tap that takes it
 * ({@link TapRecords}). The taps come from the definitions topic as a global store, so a tap starts
 * and stops without the application restarting; the registry, as a global store too, tells the
 * namespaces and capabilities of the agents. New traffic only (a tap's past is a backfill's job);
 * at-least-once: a record may come twice after a crash, with the same {@code event_id}.
 */
public final class TapTopology {

    public static final String INGRESS_SOURCE = "tap-ingress";
    public static final String EVENTS_SOURCE = "tap-events";
    public static final String INGRESS_PROCESSOR = "tap-accepted";
    public static final String EVENTS_PROCESSOR = "tap-outcomes";
    public static final String SINK = "tap-topics";
    public static final String DEFINITIONS_STORE = "tap-definitions";
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.taps");

    private TapTopology() {
    }

    /** A record for one tap's topic. */
    record TapOut(String topic, byte[] value) {
    }

    public static Topology topology(String ingressTopic, String eventsTopic, String definitionsTopic, String registryTopic,
                                    String healthTopic, TapCatalog catalog, RegistryIndex index, TapListener listener) {
        ObjectMapper mapper = new ObjectMapper();
        Topology topology = new Topology();
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DEFINITIONS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(), "tap-definitions-source",
                new StringDeserializer(), new ByteArrayDeserializer(), definitionsTopic, "tap-definitions-updater",
                () -> new DefinitionsUpdater(catalog, mapper));
        RegistryTable.addTo(topology, registryTopic, RegistryListener.NONE, index);
        RegistryTable.addHealthTo(topology, healthTopic, index);
        topology.addSource(AutoOffsetReset.latest(), INGRESS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                ingressTopic);
        topology.addSource(AutoOffsetReset.latest(), EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                eventsTopic);
        TapRecords records = new TapRecords(AgentDirectory.of(index), mapper);
        topology.addProcessor(INGRESS_PROCESSOR, () -> new Tapper(true, catalog, records, index, listener, mapper), INGRESS_SOURCE);
        topology.addProcessor(EVENTS_PROCESSOR, () -> new Tapper(false, catalog, records, index, listener, mapper), EVENTS_SOURCE);
        Serializer<TapOut> values = (topic, out) -> out.value();
        TopicNameExtractor<byte[], TapOut> topicOf = (key, out, context) -> out.topic();
        topology.addSink(SINK, topicOf, new ByteArraySerializer(), values, INGRESS_PROCESSOR, EVENTS_PROCESSOR);
        return topology;
    }

    /** Keeps the catalog equal to the definitions topic; loads it from the store once restored. */
    static final class DefinitionsUpdater implements Processor<String, byte[], Void, Void> {

        private final TapCatalog catalog;
        private final ObjectMapper mapper;
        private KeyValueStore<String, byte[]> store;

        DefinitionsUpdater(TapCatalog catalog, ObjectMapper mapper) {
            this.catalog = catalog;
            this.mapper = mapper;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(DEFINITIONS_STORE);
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                it.forEachRemaining(kv -> apply(kv.key, kv.value));
            }
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
            apply(record.key(), record.value());
        }

        private void apply(String name, byte[] value) {
            if (value == null) {
                if (catalog.get(name).isPresent()) {
                    catalog.remove(name);
                    LOG.info("tap {} ended", name);
                }
                return;
            }
            TapDefinition tap;
            try {
                tap = mapper.readValue(value, TapDefinition.class);
            } catch (IOException e) {
                tap = null;
            }
            if (tap == null || !tap.usable() || !name.equals(tap.name())) {
                catalog.remove(name);
                LOG.warn("tap definition {} is not one this version can run; the tap is stopped", name);
                return;
            }
            if (!tap.equals(catalog.get(name).orElse(null))) {
                catalog.put(tap);
                LOG.info("tap {} writes to {}", name, tap.topic());
            }
        }
    }

    /** Turns each record into the records of the taps that take it; a record it cannot read is skipped. */
    static final class Tapper implements Processor<byte[], byte[], byte[], TapOut> {

        private final boolean ingress;
        private final TapCatalog catalog;
        private final TapRecords records;
        private final RegistryIndex index;
        private final TapListener listener;
        private final ObjectMapper mapper;
        private ProcessorContext<byte[], TapOut> context;

        Tapper(boolean ingress, TapCatalog catalog, TapRecords records, RegistryIndex index, TapListener listener,
               ObjectMapper mapper) {
            this.ingress = ingress;
            this.catalog = catalog;
            this.records = records;
            this.index = index;
            this.listener = listener;
            this.mapper = mapper;
        }

        @Override
        public void init(ProcessorContext<byte[], TapOut> context) {
            this.context = context;
            index.loadOnce(context.getStateStore(RegistryTable.STORE), context.getStateStore(RegistryTable.HEALTH_STORE));
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            var taps = catalog.all();
            if (taps.isEmpty()) {
                return;
            }
            RecordMetadata where = context.recordMetadata().orElse(null);
            int partition = where == null ? -1 : where.partition();
            long offset = where == null ? -1 : where.offset();
            List<TapRecords.Out> outs;
            try {
                TapEvent event = ingress
                        ? TapEvent.accepted(partition, offset, record.timestamp(), record.key(), record.headers(), record.value(), mapper)
                        : TapEvent.ofEvent(partition, offset, record.key(), record.value(), mapper);
                outs = event == null ? List.of() : records.of(event, taps);
            } catch (RuntimeException e) {
                // a record the taps cannot read is skipped; it never stops the application
                LOG.warn("record {}-{} not tapped: {}", partition, offset, e.toString());
                return;
            }
            // outside the try: a failed write (Kafka Streams raises it on a later send) must reach the
            // thread's handler, so the application restarts from its last commit and loses nothing
            for (TapRecords.Out out : outs) {
                context.forward(new Record<>(out.key(), new TapOut(out.tap().topic(), out.value()), record.timestamp()));
                listener.onRecord(out.tap().name(), out.value().length);
            }
        }
    }
}
