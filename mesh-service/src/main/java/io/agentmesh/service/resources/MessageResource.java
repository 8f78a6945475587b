package io.agentmesh.service.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.api.SendMessageRequest;
import io.agentmesh.service.core.SendCommand;
import io.agentmesh.service.core.StructuredEvents;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.metrics.MeshMetrics;
import io.agentmesh.service.core.MessageService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Sending. 202 only once mesh.ingress has the record (acks=all); the Jetty thread is released
 * while Kafka confirms.
 */
@Path("/api/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
public final class MessageResource {

    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";

    private final MessageService messages;
    private final ObjectMapper mapper;
    private final MeshMetrics metrics;

    public MessageResource(MessageService messages, ObjectMapper mapper, MeshMetrics metrics) {
        this.messages = messages;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public void send(SendMessageRequest request, @Suspended AsyncResponse response) {
        if (request == null) {
            throw MeshException.invalid("request body is required");
        }
        accept(request.toCommand(mapper), response);
    }

    @POST
    @Consumes(CLOUDEVENTS_JSON)
    public void sendCloudEvent(byte[] body, @Suspended AsyncResponse response) {
        accept(StructuredEvents.toCommand(body), response);
    }

    private void accept(SendCommand command, AsyncResponse response) {
        try {
            messages.send(command).whenComplete((result, error) -> {
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
