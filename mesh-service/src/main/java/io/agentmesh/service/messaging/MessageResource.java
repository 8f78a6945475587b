package io.agentmesh.service.messaging;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.auth.MeshPrincipal;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.errors.JsonErrorMapper;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.platform.MeshMetrics;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sending. 202 only once mesh.ingress has the record (acks=all); the Jetty thread is released
 * while Kafka confirms.
 */
@Path("/api/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
public final class MessageResource {

    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";

    private final MessageService messages;
    private final BatchSender batches;
    private final ObjectMapper mapper;
    private final MeshMetrics metrics;

    public MessageResource(MessageService messages, BatchSender batches, ObjectMapper mapper, MeshMetrics metrics) {
        this.messages = messages;
        this.batches = batches;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /**
     * Many messages in one request: 200 when every one was accepted, 207 with one result per
     * message otherwise; 503 when none was accepted because Kafka (or this node) cannot take them.
     */
    @POST
    @Path("batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void sendBatch(BatchSendRequest request, @Context SecurityContext caller, @Suspended AsyncResponse response) {
        if (request == null || request.messages() == null) {
            throw MeshException.invalidField("messages", "is required (a list of messages)");
        }
        List<Supplier<SendCommand>> commands = new ArrayList<>(request.messages().size());
        for (int i = 0; i < request.messages().size(); i++) {
            com.fasterxml.jackson.databind.JsonNode node = request.messages().get(i);
            String field = "messages[" + i + "]";
            commands.add(() -> {
                if (node == null || node.isNull()) {
                    throw MeshException.invalidField(field, "is null");
                }
                if (!node.isObject()) {
                    throw MeshException.invalidField(field, "must be a message object");
                }
                try {
                    return mapper.treeToValue(node, SendMessageRequest.class).toCommand(mapper);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw JsonErrorMapper.toMeshException(e, field + ".");
                }
            });
        }
        batches.send(Callers.of(caller), commands).whenComplete((result, error) -> {
            if (error != null) {
                response.resume(KafkaFailures.unwrap(error));
                return;
            }
            metrics.batch(result.accepted(), result.rejected());
            response.resume(batchResponse(result));
        });
    }

    private static Response batchResponse(BatchSendResult result) {
        if (result.rejected() == 0) {
            return Response.ok(result).build();
        }
        boolean unavailable = result.accepted() == 0 && result.results().stream()
                .allMatch(r -> r.error() != null && r.error().status() == 503);
        if (unavailable) {
            return Response.status(503).header("Retry-After", 5).entity(result).build();
        }
        return Response.status(207).entity(result).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void send(SendMessageRequest request, @Context SecurityContext caller, @Suspended AsyncResponse response) {
        if (request == null) {
            throw MeshException.invalid("request body is required");
        }
        accept(Callers.of(caller), request.toCommand(mapper), response);
    }

    @POST
    @Consumes(CLOUDEVENTS_JSON)
    @Allow(Access.SEND)
    public void sendCloudEvent(byte[] body, @Context SecurityContext caller, @Suspended AsyncResponse response) {
        accept(Callers.of(caller), StructuredEvents.toCommand(body), response);
    }

    private void accept(MeshPrincipal caller, SendCommand command, AsyncResponse response) {
        try {
            messages.send(caller, command).whenComplete((result, error) -> {
                if (error == null) {
                    metrics.accepted();
                    response.resume(Response.accepted(result).build());
                } else {
                    metrics.rejected();
                    response.resume(KafkaFailures.unwrap(error));
                }
            });
        } catch (MeshException e) {
            metrics.rejected();
            throw e;
        }
    }
}
