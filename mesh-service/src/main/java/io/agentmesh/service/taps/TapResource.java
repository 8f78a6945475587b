package io.agentmesh.service.taps;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.taps.TapDefinition;
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

    public TapResource(TapService taps, TapBackfills backfills, TapStatus status, byte[] schema) {
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

    private static String checked(String name) {
        if (name == null || !TapDefinition.NAME.matcher(name).matches()) {
            throw MeshException.invalidField("name", "'" + name + "' must be " + TapDefinition.NAME_RULE);
        }
        return name;
    }
}
