package io.agentmesh.service.taps;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;
import java.util.Map;

/** Analytics taps (docs/taps.md): read by viewers, created, changed and deleted by admins. */
@Path("/api/v1/taps")
@Produces(MediaType.APPLICATION_JSON)
public final class TapResource {

    private final TapService taps;
    private final TapBackfills backfills;
    private final TapStatus status;
    private final byte[] schema;

    private final TapTail tail;
    private final io.agentmesh.service.common.LongWork tails;

    public TapResource(TapService taps, TapBackfills backfills, TapTail tail, io.agentmesh.service.common.LongWork tails,
                       TapStatus status, byte[] schema) {
        this.tail = tail;
        this.tails = tails;
        this.taps = taps;
        this.backfills = backfills;
        this.status = status;
        this.schema = schema;
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> list() {
        List<Map<String, Object>> all = taps.list().stream().map(status::describe).toList();
        return Map.of("taps", all, "count", all.size());
    }

    @GET
    @Path("schema")
    @Allow(Access.VIEWER)
    public Response schema() {
        return Response.ok(schema, "application/schema+json").build();
    }

    @GET
    @Path("{name}")
    @Allow(Access.VIEWER)
    public Map<String, Object> get(@PathParam("name") String name) {
        return status.describe(taps.get(checked(name)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.ADMIN)
    public Response create(JsonNode body, @Context SecurityContext caller) {
        Tap tap = taps.create(TapRequest.parse(body, null), Callers.of(caller).label());
        return Response.status(Response.Status.CREATED).entity(status.describe(tap)).build();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.ADMIN)
    public Map<String, Object> update(@PathParam("name") String name, JsonNode body) {
        return status.describe(taps.update(TapRequest.parse(body, checked(name))));
    }

    @DELETE
    @Path("{name}")
    @Allow(Access.ADMIN)
    public Map<String, Object> delete(@PathParam("name") String name) {
        return status.describe(taps.delete(checked(name)));
    }

    @POST
    @Path("{name}/backfill")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.ADMIN)
    public Response backfill(@PathParam("name") String name, JsonNode body) {
        return Response.accepted(backfills.start(checked(name), body)).build();
    }

    @GET
    @Path("{name}/backfill")
    @Allow(Access.VIEWER)
    public Map<String, Object> backfillStatus(@PathParam("name") String name) {
        return backfills.status(checked(name));
    }

    /**
     * The tap's records as NDJSON (each line one record as on its topic), from its end or
     * {@code from=beginning}, until {@code max} records (1-10000, default 100) or {@code wait}
     * (1s-10m, default 30s) has passed.
     */
    @GET
    @Path("{name}/records")
    @Produces("application/x-ndjson")
    @Allow(Access.OPERATOR)
    public Response records(@PathParam("name") String name, @jakarta.ws.rs.QueryParam("from") String from,
                            @jakarta.ws.rs.QueryParam("max") String max, @jakarta.ws.rs.QueryParam("wait") String wait) {
        Tap tap = taps.get(checked(name));
        if (from != null && !from.equals("beginning") && !from.equals("end")) {
            throw MeshException.invalidField("from", "must be beginning or end");
        }
        int limit = io.agentmesh.service.web.Params.intParam("max", max, 100, 1, 10_000);
        java.time.Duration until = waitParam(wait);
        AutoCloseable permit = tails.start(java.util.UUID.randomUUID().toString());
        jakarta.ws.rs.core.StreamingOutput body = out -> {
            try {
                tail.read(tap.topic(), "beginning".equals(from), limit, until, value -> {
                    try {
                        out.write(value);
                        out.write('\n');
                        out.flush();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } finally {
                try {
                    permit.close();
                } catch (Exception e) {
                    // releasing a permit does not fail
                }
            }
        };
        return Response.ok(body, "application/x-ndjson").build();
    }

    private static java.time.Duration waitParam(String raw) {
        if (raw == null) {
            return java.time.Duration.ofSeconds(30);
        }
        // plain seconds, as the inbox long-poll takes them, or a duration such as 5s or 2m
        long ms = raw.strip().matches("[0-9]{1,4}") ? Long.parseLong(raw.strip()) * 1000 : TapRequest.millis("wait", raw);
        if (ms < 1_000 || ms > 600_000) {
            throw MeshException.invalidField("wait", "must be from 1s to 10m");
        }
        return java.time.Duration.ofMillis(ms);
    }

    private static String checked(String name) {
        return TapRequest.name(name);
    }
}
