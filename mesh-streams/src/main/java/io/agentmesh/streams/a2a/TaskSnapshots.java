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
 * tasks outlive the event log's retention. Runs as an application of its own beside the router
 * (one writer per partition, the router's processing guarantee), its consumer group's committed
 * offsets telling a starting node where the snapshots it can see end. A snapshot larger than
 * {@code maxBytes} is written to the topic without the task's history and artifacts (marked
 * {@code "trimmed": true}); the store keeps the whole task, so later snapshots are folded from all
 * of it. A record already folded in (read again after a restart) is skipped, and so is one that
 * cannot be folded.
 */
public final class TaskSnapshots {

    public static final String SOURCE = "a2a-task-events";
    public static final String PROCESSOR = "a2a-task-snapshots";
    public static final String STORE = "a2a-task-snapshots";
    public static final String SINK = "a2a-tasks";
    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.a2a");

    private TaskSnapshots() {
    }

    /** The state of a task the store keeps at most (its changelog's record limit). */
    public static final int MAX_STATE_BYTES = 16 * 1024 * 1024;

    /**
     * The snapshot application's topology: {@code eventsTopic} folded into {@code tasksTopic}, whose
     * records are at most {@code maxBytes} (a larger task goes there trimmed; the store keeps it whole).
     */
    public static Topology topology(String eventsTopic, String tasksTopic, int maxBytes) {
        Topology topology = new Topology();
        topology.addSource(org.apache.kafka.streams.AutoOffsetReset.earliest(), SOURCE, new StringDeserializer(),
                new ByteArrayDeserializer(), eventsTopic);
        topology.addProcessor(PROCESSOR, () -> new Folder(new ObjectMapper(), maxBytes), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingEnabled(java.util.Map.of("max.message.bytes",
                Integer.toString(MAX_STATE_BYTES + 64 * 1024))), PROCESSOR);
        topology.addSink(SINK, tasksTopic, new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        return topology;
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
            try {
                fold(record);
            } catch (RuntimeException e) {
                // what cannot be folded is skipped, as every node's view skips it: never a failing thread
                LOG.warn("A2A task event {} skipped: {}", record.key(), e.toString());
            }
        }

        private void fold(Record<String, byte[]> record) {
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
            var md = context.recordMetadata().orElseThrow();
            Snapshot before = read(mapper, store.get(taskId));
            if (before != null && before.partition() == md.partition() && md.offset() <= before.offset()) {
                return; // already folded in (records read again after a restart without exactly-once)
            }
            Header agent = record.headers().lastHeader(TaskState.AGENT_HEADER);
            TaskState.Step step = TaskState.apply(before == null ? null : before.state(),
                    agent == null ? null : new String(agent.value(), StandardCharsets.UTF_8), event);
            if (step == null) {
                return;
            }
            try {
                // the store keeps the whole task, what the next event folds onto; the topic may get it trimmed
                byte[] whole = write(mapper, step.after(), md.partition(), md.offset(), Integer.MAX_VALUE);
                if (whole.length > MAX_STATE_BYTES) {
                    LOG.error("A2A task {} is larger than {} bytes: its events from offset {} of partition {} on are "
                            + "not folded into its snapshot", taskId, MAX_STATE_BYTES, md.offset(), md.partition());
                    return;
                }
                store.put(taskId, whole);
                byte[] snapshot = whole.length <= maxBytes ? whole
                        : write(mapper, step.after(), md.partition(), md.offset(), maxBytes);
                if (snapshot.length > maxBytes) {
                    LOG.warn("A2A task {} is too large to snapshot even without its history and artifacts", taskId);
                    return;
                }
                context.forward(new Record<>(taskId, snapshot, record.timestamp()));
            } catch (IOException e) {
                LOG.warn("A2A task {} not snapshot: {}", taskId, e.toString());
            }
        }
    }
}
