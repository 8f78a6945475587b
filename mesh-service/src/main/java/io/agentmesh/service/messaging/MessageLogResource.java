package io.agentmesh.service.messaging;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.web.Params;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.dlq.DeadLetterView;
import io.agentmesh.service.dlq.DeadLetterReader;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The message log from mesh.events (recent messages, one message's life, an NDJSON export) and recent failures. */
@Path("/api/v1/messages")
@Produces(MediaType.APPLICATION_JSON)
public final class MessageLogResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private final MessageLog log;
    private final DeadLetterReader deadLetters;
    private final ObjectMapper mapper;
    private final io.agentmesh.service.common.LongWork scans;

    /** {@code scans}: how many scans of the event log (a message's life, an export) run at once on this node. */
    public MessageLogResource(MessageLog log, DeadLetterReader deadLetters, ObjectMapper mapper,
                              io.agentmesh.service.common.LongWork scans) {
        this.scans = scans;
        this.log = log;
        this.deadLetters = deadLetters;
        this.mapper = mapper;
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> recent(@QueryParam("limit") String limit) {
        List<JsonNode> messages = log.recent(Params.intParam("limit", limit, 100, 1, 1000));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messages", messages);
        out.put("count", messages.size());
        return out;
    }

    /** The most recent dead letters, newest first. */
    @GET
    @Path("failed")
    @Allow(Access.VIEWER)
    public Map<String, Object> failed(@QueryParam("limit") String limit) {
        var recent = deadLetters.recent(Params.intParam("limit", limit, 20, 1, 500));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("failed", recent.stream().map(d -> DeadLetterView.of(d, mapper)).toList());
        out.put("count", recent.size());
        return out;
    }

    @GET
    @Path("{id}")
    @Allow(Access.VIEWER)
    public Map<String, Object> life(@PathParam("id") String id, @QueryParam("since") String since) {
        if (!ID.matcher(id).matches()) {
            throw MeshException.invalidField("id", "'" + id + "' is not a message id");
        }
        Instant from = since == null ? Instant.now().minus(Duration.ofDays(1)) : Params.time("since", since);
        AutoCloseable permit = scans.start(java.util.UUID.randomUUID().toString());
        List<JsonNode> events;
        try {
            events = log.life(id, from);
        } finally {
            release(permit);
        }
        if (events.isEmpty()) {
            throw new MeshException(ErrorCode.NOT_FOUND, "no events for message " + id + " since " + from
                    + " (it may not be routed yet, or be older: pass since=)", Map.of("id", id));
        }
        List<JsonNode> life = new java.util.ArrayList<>();
        String acceptedAt = events.stream().map(e -> e.path("accepted_at").asText(null))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (acceptedAt != null) {
            // acceptance is not a separate record: every router event carries the ingress timestamp
            life.add(mapper.createObjectNode().put("event", "accepted").put("id", id).put("time", acceptedAt));
        }
        life.addAll(events);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("status", events.get(events.size() - 1).path("event").asText());
        out.put("events", life);
        return out;
    }

    @GET
    @Path("export")
    @Produces("application/x-ndjson")
    @Allow(Access.VIEWER)
    public Response export(@QueryParam("since") String since, @QueryParam("until") String until) {
        Instant from = since == null ? null : Params.time("since", since);
        Instant to = until == null ? null : Params.time("until", until);
        if (from != null && to != null && !from.isBefore(to)) {
            throw MeshException.invalidField("until", "must be after since");
        }
        AutoCloseable permit = scans.start(java.util.UUID.randomUUID().toString());
        StreamingOutput body = (OutputStream out) -> {
            try {
                log.export(from, to, event -> {
                    try {
                        out.write(mapper.writeValueAsBytes(event));
                        out.write('\n');
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } finally {
                release(permit);
            }
        };
        return Response.ok(body, "application/x-ndjson").build();
    }

    private static void release(AutoCloseable permit) {
        try {
            permit.close();
        } catch (Exception e) {
            // releasing a permit does not fail
        }
    }
}
