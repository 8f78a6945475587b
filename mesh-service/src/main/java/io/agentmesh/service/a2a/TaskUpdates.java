package io.agentmesh.service.a2a;

import io.agentmesh.streams.a2a.TaskFold;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The agent's side of an A2A task, whatever the transport (REST {@link A2aTaskResource}, gRPC
 * {@code UpdateA2aTask}): reading the task, and its status and artifact updates, checked the same
 * way. Only the task's agent (or an operator) may update it; a finished task takes no more updates.
 */
public final class TaskUpdates {

    static final Set<String> STATES = Set.of("submitted", "working", "input-required", "auth-required", "completed",
            "canceled", "failed", "rejected", "unknown");

    private final TaskView view;
    private final A2aGateway gateway;
    private final ObjectMapper mapper;

    public TaskUpdates(TaskView view, A2aGateway gateway, ObjectMapper mapper) {
        this.view = view;
        this.gateway = gateway;
        this.mapper = mapper;
    }

    /** The task as {@code caller} may see it; 404 when there is none or it is not the caller's to see. */
    public ObjectNode task(MeshPrincipal caller, String taskId) {
        ObjectNode task = find(taskId);
        if (!A2aGateway.maySee(caller, view.agentOf(taskId).orElse(""), task)) {
            throw notFound(taskId);
        }
        return task;
    }

    /**
     * {@code {"state": "working"|"completed"|..., "message": {A2A message, role agent}?}}: the task's
     * new status (a final state ends it); completes with the task after it.
     */
    public CompletableFuture<ObjectNode> status(MeshPrincipal caller, String taskId, JsonNode body) {
        ObjectNode task = writable(caller, taskId);
        String state = body == null ? null : body.path("state").asText(null);
        if (state == null || !STATES.contains(state)) {
            throw MeshException.invalidField("state", "one of " + new java.util.TreeSet<>(STATES));
        }
        JsonNode message = body.path("message");
        ObjectNode agentMessage = null;
        if (!message.isMissingNode() && !message.isNull()) {
            agentMessage = agentMessage(message, taskId, task.path("contextId").asText(), "message");
        }
        ObjectNode update = gateway.update(taskId, task.path("contextId").asText(), state, null);
        if (agentMessage != null) {
            ((ObjectNode) update.path("status")).set("message", agentMessage);
        }
        return gateway.record(taskId, update);
    }

    /**
     * {@code {"artifact": {"artifactId"?, "name"?, "parts": [...]}, "append"?: bool, "last_chunk"?: bool}}:
     * an artifact of the task (appended to the one of the same id when {@code append}); completes
     * with the task after it.
     */
    public CompletableFuture<ObjectNode> artifact(MeshPrincipal caller, String taskId, JsonNode body) {
        ObjectNode task = writable(caller, taskId);
        JsonNode artifact = body == null ? null : body.path("artifact");
        if (artifact == null || !artifact.isObject()) {
            throw MeshException.invalidField("artifact", "an object with parts is required");
        }
        requireParts(artifact.path("parts"), "artifact.parts");
        ObjectNode a = ((ObjectNode) artifact).deepCopy();
        if (!a.path("artifactId").isTextual()) {
            a.put("artifactId", UUID.randomUUID().toString());
        }
        ObjectNode update = mapper.createObjectNode().put("kind", "artifact-update").put("taskId", taskId)
                .put("contextId", task.path("contextId").asText());
        update.set("artifact", a);
        update.put("append", body.path("append").asBoolean(false)).put("lastChunk", body.path("last_chunk").asBoolean(false));
        return gateway.record(taskId, update);
    }

    private ObjectNode writable(MeshPrincipal caller, String taskId) {
        ObjectNode task = find(taskId);
        String agent = view.agentOf(taskId).orElse("");
        boolean mayWrite = caller.isOpen() || caller.isOperator() || (caller.isAgent() && caller.name().equals(agent));
        if (!mayWrite) {
            throw Callers.forbidden(caller, "update task " + taskId + " (only its agent " + agent + " may)");
        }
        if (TaskFold.isFinal(task)) {
            throw new MeshException(ErrorCode.CONFLICT, "task " + taskId + " is " + TaskFold.state(task)
                    + ": a finished task takes no more updates", Map.of("task_id", taskId, "state", TaskFold.state(task)));
        }
        return task;
    }

    private ObjectNode agentMessage(JsonNode message, String taskId, String contextId, String field) {
        if (!message.isObject()) {
            throw MeshException.invalidField(field, "an A2A message object");
        }
        requireParts(message.path("parts"), field + ".parts");
        ObjectNode m = ((ObjectNode) message).deepCopy();
        m.put("role", "agent").put("kind", "message").put("taskId", taskId).put("contextId", contextId);
        if (!m.path("messageId").isTextual()) {
            m.put("messageId", UUID.randomUUID().toString());
        }
        return m;
    }

    private static void requireParts(JsonNode parts, String field) {
        if (!parts.isArray() || parts.isEmpty()) {
            throw MeshException.invalidField(field, "at least one part is required");
        }
        for (JsonNode p : parts) {
            String kind = p.path("kind").asText();
            boolean whole = switch (kind) {
                case "text" -> p.path("text").isTextual();
                case "data" -> p.path("data").isObject();
                case "file" -> p.path("file").isObject()
                        && (p.path("file").path("uri").isTextual() || p.path("file").path("bytes").isTextual());
                default -> false;
            };
            if (!whole) {
                throw MeshException.invalidField(field, "each part is {kind: text, text}, {kind: data, data: {object}} or "
                        + "{kind: file, file: {uri or bytes}}");
            }
        }
    }

    /** The task; one this node does not hold yet is waited for a moment (another node may have just written it). */
    private ObjectNode find(String taskId) {
        ObjectNode task = A2aGateway.lookUp(view, taskId).join();
        if (task == null) {
            throw notFound(taskId);
        }
        return task;
    }

    private static MeshException notFound(String taskId) {
        return new MeshException(ErrorCode.NOT_FOUND, "no A2A task " + taskId, Map.of("task_id", taskId));
    }
}
