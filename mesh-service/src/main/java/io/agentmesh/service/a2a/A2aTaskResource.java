package io.agentmesh.service.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.errors.KafkaFailures;
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


/**
 * The agent's side of an A2A task: it reads the task and answers with status and artifact updates
 * (REST; the agent found the task id as the correlation id of the {@value A2aGateway#SEND_TYPE}
 * message in its inbox). Only the task's agent (or an operator) may update it; a finished task takes
 * no more updates.
 */
@Path("/api/v1/a2a/tasks")
@Produces(MediaType.APPLICATION_JSON)
public final class A2aTaskResource {

    private final TaskUpdates updates;

    public A2aTaskResource(TaskUpdates updates) {
        this.updates = updates;
    }

    @GET
    @Path("{taskId}")
    @Allow(Access.SEND)
    public JsonNode task(@PathParam("taskId") String taskId, @Context SecurityContext context) {
        return updates.task(Callers.of(context), taskId);
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
        answer(updates.status(Callers.of(context), taskId, body), response);
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
        answer(updates.artifact(Callers.of(context), taskId, body), response);
    }

    private static void answer(java.util.concurrent.CompletableFuture<ObjectNode> recorded, AsyncResponse response) {
        recorded.whenComplete((task, error) -> response.resume(error == null
                ? Response.accepted(task).build() : KafkaFailures.unwrap(error)));
    }
}
