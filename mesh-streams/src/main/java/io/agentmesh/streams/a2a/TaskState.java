package io.agentmesh.streams.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One A2A task as the task event log has made it: the task (A2A Task JSON), the agent it was sent
 * to, {@code seq} — the sequence number of its last event (the task's creation is 0; clients'
 * stream event ids) — and its push notification configs by id. Immutable: {@link #apply} answers
 * a new state.
 */
public record TaskState(ObjectNode task, String agent, long seq, Map<String, ObjectNode> pushConfigs) {

    /** Log record kinds that set and delete a task's push notification configs (not events of the task). */
    public static final String PUSH_CONFIG = "push-config";
    public static final String PUSH_CONFIG_DELETED = "push-config-deleted";
    /** The record header naming the agent a task is for (on its {@code task} record). */
    public static final String AGENT_HEADER = "mesh-a2a-agent";

    public TaskState {
        pushConfigs = pushConfigs == null ? Map.of() : Map.copyOf(pushConfigs);
    }

    /**
     * What an event of the log does to a task.
     *
     * @param after     the state after it
     * @param taskEvent whether it is an event of the task (its {@code seq} advanced): a client
     *                  stream shows it
     */
    public record Step(TaskState after, boolean taskEvent) {
    }

    /** The task id an event of the log belongs to, or null. */
    public static String taskIdOf(JsonNode event) {
        return "task".equals(event.path("kind").asText()) ? event.path("id").asText(null) : event.path("taskId").asText(null);
    }

    /**
     * Applies one record of the log ({@code agentHeader}: its {@link #AGENT_HEADER}, or null) to
     * {@code before} (null: the log has had nothing of this task yet); null when it changes
     * nothing (a resend, an update of a finished or unknown task).
     */
    public static Step apply(TaskState before, String agentHeader, JsonNode event) {
        String kind = event.path("kind").asText();
        if (kind.equals(PUSH_CONFIG) || kind.equals(PUSH_CONFIG_DELETED)) {
            return pushConfig(before, kind, event);
        }
        ObjectNode task = before == null ? null : before.task();
        ObjectNode after = TaskFold.apply(task == null ? null : task.deepCopy(), event);
        if (after == null || after.equals(task)) {
            return null;
        }
        String agent = before != null && before.agent() != null ? before.agent() : agentHeader;
        long seq = task == null ? 0 : before.seq() + 1;
        return new Step(new TaskState(after, agent, seq, before == null ? Map.of() : before.pushConfigs()), true);
    }

    private static Step pushConfig(TaskState before, String kind, JsonNode event) {
        String id = kind.equals(PUSH_CONFIG) ? event.path("pushNotificationConfig").path("id").asText(null)
                : event.path("pushNotificationConfigId").asText(null);
        if (id == null || before == null || before.task() == null) {
            return null;
        }
        Map<String, ObjectNode> configs = new LinkedHashMap<>(before.pushConfigs());
        if (kind.equals(PUSH_CONFIG)) {
            configs.put(id, ((ObjectNode) event.path("pushNotificationConfig")).deepCopy());
        } else if (configs.remove(id) == null) {
            return null;
        }
        return new Step(new TaskState(before.task(), before.agent(), before.seq(), configs), false);
    }

    /** As JSON: {@code {"task", "agent", "seq", "push_configs": {id: config}}}. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode out = mapper.createObjectNode();
        out.set("task", task);
        out.put("agent", agent);
        out.put("seq", seq);
        ObjectNode configs = out.putObject("push_configs");
        pushConfigs.forEach(configs::set);
        return out;
    }

    /** Read back from {@link #toJson}; null when it is not one. */
    public static TaskState fromJson(JsonNode json) {
        if (json == null || !json.path("task").isObject()) {
            return null;
        }
        Map<String, ObjectNode> configs = new LinkedHashMap<>();
        json.path("push_configs").fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                configs.put(e.getKey(), (ObjectNode) e.getValue());
            }
        });
        return new TaskState((ObjectNode) json.path("task"), json.path("agent").asText(null), json.path("seq").asLong(),
                configs);
    }
}
