package io.agentmesh.service.messaging;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentmesh.service.delivery.InboxMessageView;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request/reply: 200 with the reply, or 504 REQUEST_TIMEOUT (the late reply stays in the inbox). */
@Path("/api/v1/requests")
@Produces(MediaType.APPLICATION_JSON)
public final class RequestResource {

    private static final long DEFAULT_TIMEOUT_MS = 30_000;

    private final RequestReply requests;
    private final ObjectMapper mapper;

    public RequestResource(RequestReply requests, ObjectMapper mapper) {
        this.requests = requests;
        this.mapper = mapper;
    }

    /** The body is a message as for /api/v1/messages plus {@code timeout_ms}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.SEND)
    public void request(ObjectNode body, @Context SecurityContext caller, @Suspended AsyncResponse response) throws JsonProcessingException {
        if (body == null) {
            throw MeshException.invalid("request body is required");
        }
        JsonNode t = body.remove("timeout_ms");
        long timeout = DEFAULT_TIMEOUT_MS;
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber() || !t.canConvertToLong()) {
                throw MeshException.invalidField("timeout_ms", "must be a whole number of milliseconds");
            }
            timeout = t.asLong();
        }
        SendMessageRequest message = mapper.treeToValue(body, SendMessageRequest.class);
        requests.request(Callers.of(caller), message.toCommand(mapper), Duration.ofMillis(timeout)).whenComplete((reply, error) -> {
            if (error != null) {
                response.resume(KafkaFailures.unwrap(error));
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("request_id", reply.requestId());
            out.put("correlation_id", reply.correlationId());
            out.put("reply", InboxMessageView.of(reply.message(), mapper));
            response.resume(out);
        });
    }
}
