package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.auth.MeshPrincipal;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The agent's side of an A2A task: it reads the task and answers with status and artifact updates
 * (REST; the agent found the task id as the correlation id of the {@value A2aGateway#SEND_TYPE}
 * message in its inbox). Only the task's agent (or an operator) may update it; a finished task takes
 * no more updates.
 */
@Path("/api/v1/a2a/tasks")
@Produces(MediaType.APPLICATION_JSON)
public final class A2aTaskResource {

    static final Set<String> STATES = Set.of("submitted", "working", "input-required", "auth-required", "completed",
            "canceled", "failed", "rejected", "unknown");

    private final TaskView view;
    private final A2aGateway gateway;
    private final ObjectMapper mapper;

    public A2aTaskResource(TaskView view, A2aGateway gateway, ObjectMapper mapper) {
        this.view = view;
        this.gateway = gateway;
        this.mapper = mapper;
    }

    @GET
    @Path("{taskId}")
    @Allow(Access.SEND)
    public JsonNode task(@PathParam("taskId") String taskId, @Context SecurityContext context) {
        ObjectNode task = find(taskId);
        if (!A2aGateway.maySee(Callers.of(context), view.agentOf(taskId).orElse(""), task)) {
            throw notFound(taskId);
        }
        return task;
    }

    /**
     * {@code {"state": "working"|"completed"|..., "message": {A2A message, role agent}?}}: the task's
     * new status (a final state ends it).
     */
    @POST
    @Path("{taskId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void status(@PathParam("taskId") String taskId, JsonNode body, @Context SecurityContext context,
                       @Suspended AsyncResponse response) {
        ObjectNode task = writable(Callers.of(context), taskId);
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
        append(taskId, update, response);
    }

    /**
     * {@code {"artifact": {"artifactId"?, "name"?, "parts": [...]}, "append"?: bool, "last_chunk"?: bool}}:
     * an artifact of the task (appended to the one of the same id when {@code append}).
     */
    @POST
    @Path("{taskId}/artifacts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void artifact(@PathParam("taskId") String taskId, JsonNode body, @Context SecurityContext context,
                         @Suspended AsyncResponse response) {
        ObjectNode task = writable(Callers.of(context), taskId);
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
        append(taskId, update, response);
    }

    private void append(String taskId, ObjectNode update, AsyncResponse response) {
        gateway.record(taskId, update).whenComplete((task, error) -> response.resume(error == null
                ? Response.accepted(task).build() : KafkaFailures.unwrap(error)));
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
            if (!Set.of("text", "data", "file").contains(kind)) {
                throw MeshException.invalidField(field, "each part has kind text, data or file");
            }
        }
    }

    /** The task; one this node does not hold yet is waited for a moment (another node may have just written it). */
    private ObjectNode find(String taskId) {
        ObjectNode task = view.when(taskId, t -> true, view.caughtUp() ? A2aGateway.LAG_GRACE : A2aGateway.READ_OWN_WRITE)
                .join();
        if (task == null) {
            throw notFound(taskId);
        }
        return task;
    }

    private static MeshException notFound(String taskId) {
        return new MeshException(ErrorCode.NOT_FOUND, "no A2A task " + taskId, Map.of("task_id", taskId));
    }
}
