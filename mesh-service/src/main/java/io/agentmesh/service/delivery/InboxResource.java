package io.agentmesh.service.delivery;

import io.agentmesh.service.web.Params;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.common.BoundedGate;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.util.Map;

/**
 * Long-poll receive with explicit acknowledgement: GET returns unacknowledged messages and an
 * {@code ack} map; POST .../ack with that map moves the agent's position. Until then, the same
 * messages come back on the next GET.
 */
@Path("/api/v1/agents/{id}/messages")
@Produces(MediaType.APPLICATION_JSON)
public final class InboxResource {

    private final InboxReader reader;
    private final AgentRegistry registry;
    private final BoundedGate gate;
    private final ObjectMapper mapper;
    private final int maxWaitSeconds;
    private final DeliveryEvents deliveries;
    private final InboxSessions sessions;

    public InboxResource(InboxReader reader, AgentRegistry registry, BoundedGate gate, ObjectMapper mapper,
                         int maxWaitSeconds, DeliveryEvents deliveries, InboxSessions sessions) {
        this.reader = reader;
        this.registry = registry;
        this.gate = gate;
        this.mapper = mapper;
        this.maxWaitSeconds = maxWaitSeconds;
        this.deliveries = deliveries;
        this.sessions = sessions;
    }

    @GET
    public InboxBatch poll(@PathParam("id") String rawId, @QueryParam("max") String max, @QueryParam("wait") String wait)
            throws Exception {
        String id = Params.agentId(rawId);
        int maxMessages = Params.intParam("max", max, 100, 1, 1000);
        int waitSeconds = Params.intParam("wait", wait, 0, 0, maxWaitSeconds);
        requireKnown(id);
        sessions.requireReadable(id);
        try (AutoCloseable permit = gate.enter()) {
            InboxReader.Batch batch = reader.poll(id, maxMessages, Duration.ofSeconds(waitSeconds));
            deliveries.delivered(id, "long-poll", batch.records());
            return new InboxBatch(id, batch.records().stream().map(r -> InboxMessageView.of(r, mapper)).toList(), batch.ack());
        }
    }

    @POST
    @Path("/ack")
    @Consumes(MediaType.APPLICATION_JSON)
    public AckResult ack(@PathParam("id") String rawId, AckRequest request) {
        String id = Params.agentId(rawId);
        if (request == null) {
            throw MeshException.invalid("request body is required: {\"offsets\": {\"<partition>\": <next offset>}}");
        }
        requireKnown(id);
        sessions.requireNotStreamed(id);
        return new AckResult(id, reader.ack(id, request.offsets()));
    }

    private void requireKnown(String id) {
        if (!registry.exists(id)) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + id + "' is registered", Map.of("id", id));
        }
    }
}
