package io.agentmesh.service.delivery;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.web.Params;
import io.agentmesh.service.web.ProgressStream;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.glassfish.jersey.server.ChunkedOutput;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /api/v1/agents/{id}/replay: an agent's inbox traffic from a time window, again. */
@Path("/api/v1/agents/{id}/replay")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentReplayResource {

    private final InboxReplayer replayer;
    private final AgentRegistry registry;
    private final ObjectMapper mapper;
    private final io.agentmesh.service.common.LongWork running;

    /** {@code running}: how many replays run at once on this node (one per agent). */
    public AgentReplayResource(InboxReplayer replayer, AgentRegistry registry, ObjectMapper mapper,
                               io.agentmesh.service.common.LongWork running) {
        this.running = running;
        this.replayer = replayer;
        this.registry = registry;
        this.mapper = mapper;
    }

    private record Window(String id, Instant from, Instant to, int max) {
    }

    public record Body(@JsonProperty("from") String from, @JsonProperty("to") String to,
                       @JsonProperty("max") Integer max) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.OPERATOR)
    public Map<String, Object> replay(@PathParam("id") String rawId, Body body) {
        Window w = window(rawId, body);
        AutoCloseable permit = running.start(w.id());
        try {
            return answer(w, replayer.replay(w.id(), w.from(), w.to(), w.max()));
        } finally {
            release(permit);
        }
    }

    /** The same with progress: NDJSON lines while it runs (see {@link ProgressStream}). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(ProgressStream.NDJSON)
    @Allow(Access.OPERATOR)
    public ChunkedOutput<String> replayWithProgress(@PathParam("id") String rawId, Body body) {
        Window w = window(rawId, body);
        AutoCloseable permit = running.start(w.id());
        try {
            return ProgressStream.run(mapper, "replay-" + w.id(), progress -> {
                try {
                    return answer(w, replayer.replay(w.id(), w.from(), w.to(), w.max(), progress));
                } finally {
                    release(permit);
                }
            });
        } catch (RuntimeException e) {
            release(permit);
            throw e;
        }
    }

    private static void release(AutoCloseable permit) {
        try {
            permit.close();
        } catch (Exception e) {
            // releasing a permit does not fail
        }
    }

    private Window window(String rawId, Body body) {
        String id = Params.agentId(rawId);
        if (body == null || body.from() == null || body.to() == null) {
            throw MeshException.invalid("from and to are required (RFC 3339 times)");
        }
        Instant from = time("from", body.from());
        Instant to = time("to", body.to());
        if (!from.isBefore(to)) {
            throw MeshException.invalidField("to", "must be after from");
        }
        int max = body.max() == null ? 10_000 : body.max();
        if (max < 1 || max > 100_000) {
            throw MeshException.invalidField("max", "must be 1..100000");
        }
        if (!registry.exists(id)) {
            throw new MeshException(ErrorCode.AGENT_NOT_FOUND, "no agent '" + id + "' is registered", Map.of("id", id));
        }
        return new Window(id, from, to, max);
    }

    private static Map<String, Object> answer(Window w, InboxReplayer.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agent_id", w.id());
        out.put("from", w.from().toString());
        out.put("to", w.to().toString());
        out.put("replayed", r.replayed());
        out.put("more", r.more());
        out.put("took_ms", r.tookMs());
        return out;
    }

    private static Instant time(String field, String raw) {
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw MeshException.invalidField(field, "'" + raw + "' is not an RFC 3339 time");
        }
    }
}
