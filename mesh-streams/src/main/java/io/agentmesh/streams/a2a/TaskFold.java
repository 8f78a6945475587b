package io.agentmesh.streams.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * Folds one event of the task event log into the task it belongs to (A2A JSON throughout). The
 * fold is the same on every node, so every node that has read the log up to an offset serves the
 * same task. Events: {@code task} (the task as created; a second one for the same id is a resend
 * and changes nothing), {@code message} (a further user message: history), {@code status-update}
 * and {@code artifact-update} (from the agent, or a cancel; a status update's {@code metadata} is
 * merged into the task's). Nothing changes a task once it reached
 * a final state.
 */
public final class TaskFold {

    /** A2A task states after which nothing changes. */
    public static final Set<String> FINAL = Set.of("completed", "canceled", "failed", "rejected");
    /** States in which a blocking message/send answers: the task waits on its client. */
    public static final Set<String> INTERRUPTED = Set.of("input-required", "auth-required");

    private TaskFold() {
    }

    /**
     * Applies {@code event} to {@code task} (null when the log has not had it yet); returns the task
     * after it, or null when the event names a task the log has not created.
     */
    public static ObjectNode apply(ObjectNode task, JsonNode event) {
        String kind = event.path("kind").asText();
        if (kind.equals("task")) {
            return task != null ? task : ((ObjectNode) event).deepCopy();
        }
        if (task == null || isFinal(task)) {
            return task;
        }
        switch (kind) {
            case "message" -> addToHistory(task, event);
            case "status-update" -> {
                task.set("status", event.path("status").deepCopy());
                if (event.path("metadata").isObject()) {
                    task.withObject("metadata").setAll(((ObjectNode) event.path("metadata")).deepCopy());
                }
                if (event.path("status").path("message").isObject()) {
                    addToHistory(task, event.path("status").path("message"));
                }
            }
            case "artifact-update" -> addArtifact(task, event.path("artifact"), event.path("append").asBoolean(false));
            default -> {
                // an event kind this version does not know is skipped, not fatal: the log outlives versions
            }
        }
        return task;
    }

    public static String state(JsonNode task) {
        return task.path("status").path("state").asText();
    }

    public static boolean isFinal(JsonNode task) {
        return FINAL.contains(state(task));
    }

    /** Whether a blocking send may answer with this task: it is done, or waits on its client. */
    public static boolean settled(JsonNode task) {
        return isFinal(task) || INTERRUPTED.contains(state(task));
    }

    private static void addToHistory(ObjectNode task, JsonNode message) {
        ArrayNode history = task.withArray("history");
        String id = message.path("messageId").asText(null);
        for (JsonNode m : history) {
            if (id != null && id.equals(m.path("messageId").asText(null))) {
                return;
            }
        }
        history.add(message.deepCopy());
    }

    private static void addArtifact(ObjectNode task, JsonNode artifact, boolean append) {
        ArrayNode artifacts = task.withArray("artifacts");
        String id = artifact.path("artifactId").asText();
        for (int i = 0; i < artifacts.size(); i++) {
            if (artifacts.get(i).path("artifactId").asText().equals(id)) {
                if (append && artifact.path("parts").isArray()) {
                    ((ObjectNode) artifacts.get(i)).withArray("parts").addAll((ArrayNode) artifact.path("parts"));
                } else {
                    artifacts.set(i, artifact.deepCopy());
                }
                return;
            }
        }
        artifacts.add(artifact.deepCopy());
    }
}
