package io.agentmesh.service.delivery;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.web.Params;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import java.util.Map;
import java.util.TreeMap;

/**
 * GET /api/v1/agents/{id}/stream: the inbox as server-sent events ({@link EventStreams}).
 * {@code Last-Event-ID} (or {@code ?last_event_id=}) resumes right after that event; without one
 * the stream starts at the acknowledged position. POST the position to {@code .../messages/ack}
 * when done.
 */
@Path("/api/v1/agents/{id}/stream")
public final class InboxStreamResource {

    private final EventStreams streams;
    private final AgentRegistry registry;

    public InboxStreamResource(EventStreams streams, AgentRegistry registry) {
        this.streams = streams;
        this.registry = registry;
    }

    @GET
    @Produces("text/event-stream")
    @Allow(Access.SELF_OR_OPERATOR)
    public Response stream(@PathParam("id") String rawId, @HeaderParam("Last-Event-ID") String lastEventId,
                           @QueryParam("last_event_id") String lastEventIdParam) throws Exception {
        String id = Params.agentId(rawId);
        if (!registry.exists(id)) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + id + "' is registered", Map.of("id", id));
        }
        Map<Integer, Long> from = position(lastEventId != null ? lastEventId : lastEventIdParam);
        return Response.ok(streams.open(id, from), "text/event-stream").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    /** Parses {@code <partition>:<next offset>[,…]}; 400 naming Last-Event-ID otherwise. */
    static Map<Integer, Long> position(String raw) {
        Map<Integer, Long> out = new TreeMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        if (raw.length() > 2000) {
            throw MeshException.invalidField("Last-Event-ID", "too long");
        }
        for (String part : raw.trim().split(",")) {
            String[] po = part.split(":");
            try {
                if (po.length != 2) {
                    throw new NumberFormatException();
                }
                int partition = Integer.parseInt(po[0].trim());
                long offset = Long.parseLong(po[1].trim());
                if (partition < 0 || offset < 0) {
                    throw new NumberFormatException();
                }
                out.put(partition, offset);
            } catch (NumberFormatException e) {
                throw MeshException.invalidField("Last-Event-ID", "'" + raw + "' is not <partition>:<offset>[,...] "
                        + "as sent in an event's id");
            }
        }
        return out;
    }
}
