package io.agentmesh.streams.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The A2A tasks as a compacted topic: folds the task event log into one snapshot per task
 * ({@link TaskState} as JSON plus {@code "log": {"partition", "offset"}}, the event log record it
 * includes up to), written to the task topic keyed by task id after every record that changed the
 * task. A node starts from the snapshots and reads the event log only past what they include, and
 * tasks outlive the event log's retention. Runs in the router's application (one writer per
 * partition, its processing guarantee). A snapshot larger than {@code maxBytes} is written without
 * the task's history and artifacts (marked {@code "trimmed": true}), and later events fold onto
 * that: the event log keeps them for its retention, and nodes that read the log hold them.
 */
public final class TaskSnapshots {

    public static final String SOURCE = "a2a-task-events";
    public static final String PROCESSOR = "a2a-task-snapshots";
    public static final String STORE = "a2a-task-snapshots";
    public static final String SINK = "a2a-tasks";
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.a2a");

    private TaskSnapshots() {
    }

    /** Adds the snapshot sub-topology: {@code eventsTopic} folded into {@code tasksTopic}. */
    public static void addTo(Topology topology, String eventsTopic, String tasksTopic, int maxBytes) {
        topology.addSource(org.apache.kafka.streams.AutoOffsetReset.earliest(), SOURCE, new StringDeserializer(),
                new ByteArrayDeserializer(), eventsTopic);
        topology.addProcessor(PROCESSOR, () -> new Folder(new ObjectMapper(), maxBytes), SOURCE);
        // the changelog takes what the task topic takes
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingEnabled(java.util.Map.of("max.message.bytes",
                Integer.toString(maxBytes + 64 * 1024))), PROCESSOR);
        topology.addSink(SINK, tasksTopic, new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
    }

    /** A snapshot read back: the task's state and the event log record it includes up to. */
    public record Snapshot(TaskState state, int partition, long offset, boolean trimmed) {
    }

    /** Reads a snapshot; null when the bytes are not one. */
    public static Snapshot read(ObjectMapper mapper, byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode json = mapper.readTree(value);
            TaskState state = TaskState.fromJson(json);
            if (state == null || !json.path("log").path("offset").canConvertToLong()) {
                return null;
            }
            return new Snapshot(state, json.path("log").path("partition").asInt(), json.path("log").path("offset").asLong(),
                    json.path("trimmed").asBoolean(false));
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] write(ObjectMapper mapper, TaskState state, int partition, long offset, int maxBytes) throws IOException {
        ObjectNode json = state.toJson(mapper);
        json.putObject("log").put("partition", partition).put("offset", offset);
        byte[] bytes = mapper.writeValueAsBytes(json);
        if (bytes.length <= maxBytes) {
            return bytes;
        }
        ObjectNode task = state.task().deepCopy();
        task.putArray("history");
        task.putArray("artifacts");
        json.set("task", task);
        json.put("trimmed", true);
        return mapper.writeValueAsBytes(json);
    }

    private static final class Folder implements Processor<String, byte[], String, byte[]> {

        private final ObjectMapper mapper;
        private final int maxBytes;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        Folder(ObjectMapper mapper, int maxBytes) {
            this.mapper = mapper;
            this.maxBytes = maxBytes;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            JsonNode event;
            try {
                event = record.value() == null ? null : mapper.readTree(record.value());
            } catch (IOException e) {
                event = null;
            }
            if (event == null || !event.isObject()) {
                return; // what no node can fold is skipped by every node alike
            }
            String taskId = TaskState.taskIdOf(event);
            if (taskId == null) {
                return;
            }
            Snapshot before = read(mapper, store.get(taskId));
            Header agent = record.headers().lastHeader(TaskState.AGENT_HEADER);
            TaskState.Step step = TaskState.apply(before == null ? null : before.state(),
                    agent == null ? null : new String(agent.value(), StandardCharsets.UTF_8), event);
            if (step == null) {
                return;
            }
            var md = context.recordMetadata().orElseThrow();
            try {
                byte[] snapshot = write(mapper, step.after(), md.partition(), md.offset(), maxBytes);
                if (snapshot.length > maxBytes) {
                    LOG.warn("A2A task {} is too large to snapshot even without its history and artifacts; its "
                            + "snapshot stays at offset {}", taskId, before == null ? -1 : before.offset());
                    return;
                }
                store.put(taskId, snapshot);
                context.forward(new Record<>(taskId, snapshot, record.timestamp()));
            } catch (IOException e) {
                LOG.warn("A2A task {} not snapshot: {}", taskId, e.toString());
            }
        }
    }
}
