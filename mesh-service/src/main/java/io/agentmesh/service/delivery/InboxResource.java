package io.agentmesh.service.delivery;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.web.Params;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.registry.AgentLiveness;
import io.agentmesh.service.registry.AgentRegistry;
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

    private final LongPoll longPoll;
    private final AgentRegistry registry;
    private final ObjectMapper mapper;
    private final int maxWaitSeconds;

    public InboxResource(LongPoll longPoll, AgentRegistry registry, ObjectMapper mapper, int maxWaitSeconds) {
        this.longPoll = longPoll;
        this.registry = registry;
        this.mapper = mapper;
        this.maxWaitSeconds = maxWaitSeconds;
    }

    @GET
    @Allow(Access.SELF_OR_OPERATOR)
    public InboxBatch poll(@PathParam("id") String rawId, @QueryParam("max") String max, @QueryParam("wait") String wait)
            throws Exception {
        String id = Params.agentId(rawId);
        int maxMessages = Params.intParam("max", max, 100, 1, 1000);
        int waitSeconds = Params.intParam("wait", wait, 0, 0, maxWaitSeconds);
        requireKnown(id);
        LongPoll.Result result = longPoll.poll(id, maxMessages, Duration.ofSeconds(waitSeconds));
        return new InboxBatch(id, result.records().stream().map(r -> InboxMessageView.of(r, mapper)).toList(), result.ack());
    }

    @POST
    @Path("/ack")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.SELF_OR_OPERATOR)
    public AckResult ack(@PathParam("id") String rawId, AckRequest request) {
        String id = Params.agentId(rawId);
        if (request == null) {
            throw MeshException.invalid("request body is required: {\"offsets\": {\"<partition>\": <next offset>}}");
        }
        requireKnown(id);
        return new AckResult(id, longPoll.ack(id, request.offsets(), AgentLiveness.REST, request.skipping()));
    }

    private void requireKnown(String id) {
        if (!registry.exists(id)) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + id + "' is registered", Map.of("id", id));
        }
    }
}
