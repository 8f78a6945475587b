package io.agentmesh.service.dlq;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

import io.agentmesh.service.web.Params;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.db.PostgresFailures;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter queue for operators: list, inspect, replay. (Class paths must not be a prefix of
 * another resource's paths: JAX-RS picks the class with the longest matching literal path first.)
 */
@Path("/api/v1/queues/dlq")
@Produces(MediaType.APPLICATION_JSON)
public final class DeadLetterResource {

    private static final long MAX_SCAN = 100_000;

    private final DeadLetterReader reader;
    private final DlqReplayer replayer;
    private final ObjectMapper mapper;
    private final ReplayAuditDao audit;

    public DeadLetterResource(DeadLetterReader reader, DlqReplayer replayer, ReplayAuditDao audit, ObjectMapper mapper) {
        this.reader = reader;
        this.replayer = replayer;
        this.audit = audit;
        this.mapper = mapper;
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> list(@QueryParam("reason") String reason, @QueryParam("target") String target,
                                    @QueryParam("from") String from, @QueryParam("since") String since,
                                    @QueryParam("until") String until, @QueryParam("limit") String limit,
                                    @QueryParam("cursor") String cursor) {
        DeadLetterFilter filter = new DeadLetterFilter(Params.optional(reason), Params.optional(target),
                Params.optional(from), Params.optional(since), Params.optional(until)).validated();
        DeadLetterReader.Page page = reader.list(filter, Params.intParam("limit", limit, 50, 1, 1000),
                Params.optional(cursor), MAX_SCAN);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dead_letters", page.items().stream().map(d -> DeadLetterView.of(d, mapper)).toList());
        out.put("count", page.items().size());
        out.put("scanned", page.scanned());
        out.put("next_cursor", page.nextCursor());
        return out;
    }

    /** The replay audit, newest first: who replayed what, when, with what result. */
    @GET
    @Path("replays")
    @Allow(Access.VIEWER)
    public Map<String, Object> replays(@QueryParam("limit") String limit) {
        List<Map<String, Object>> rows = PostgresFailures.call(() -> audit.recent(Params.intParam("limit", limit, 50, 1, 1000)));
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> r = new LinkedHashMap<>(row);
            try {
                r.put("request", mapper.readTree((String) row.get("request")));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // keep it as text
            }
            out.add(r);
        }
        return Map.of("replays", out, "count", out.size());
    }

    @GET
    @Path("{dlqId}")
    @Allow(Access.VIEWER)
    public DeadLetterView get(@PathParam("dlqId") String dlqId) {
        return reader.get(dlqId).map(d -> DeadLetterView.of(d, mapper))
                .orElseThrow(() -> new MeshException(ErrorCode.NOT_FOUND, "no dead letter " + dlqId, Map.of("id", dlqId)));
    }

    /**
     * Replays dead letters. No body at all (the runbook's bare {@code curl -X POST .../retry}) means
     * {@code {"all": true}}: every dead letter not yet replayed, up to the default {@code max}.
     */
    @POST
    @Path("retry")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Allow(Access.OPERATOR)
    public DlqReplayer.Result replay(ReplayRequest request, @HeaderParam("X-Mesh-Operator") String operator,
                                     @Context SecurityContext caller) {
        ReplayRequest wanted = request == null ? ReplayRequest.EVERYTHING_NOT_YET_REPLAYED : request;
        // the authenticated caller; the header names someone only in open mode
        String named = Callers.operatorName(Callers.of(caller), operator == null ? null : operator.strip());
        String who = named == null ? "anonymous" : named;
        return PostgresFailures.call(() -> replayer.replay(wanted, who));
    }
}
