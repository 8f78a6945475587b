package io.agentmesh.service.registry;

import io.agentmesh.service.web.Params;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Agent registration, lookup, listing, deregistration and heartbeats. */
@Path("/api/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentResource {

    private final AgentRegistry registry;
    private final AgentLiveness liveness;
    private final Discovery discovery;

    public AgentResource(AgentRegistry registry, AgentLiveness liveness, Discovery discovery) {
        this.registry = registry;
        this.liveness = liveness;
        this.discovery = discovery;
    }

    /** Rebuilds the Redis cache and the registry topic from Postgres; answers how many. */
    @POST
    @Path("/reregister")
    public Map<String, Object> reregister() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("redis", discovery.rebuildCache());
        out.put("registry", registry.republishAll());
        return out;
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public AgentView update(@PathParam("id") String id, RegisterAgentRequest request) {
        if (request == null) {
            throw MeshException.invalid("request body is required");
        }
        return registry.update(Params.agentId(id), request.toCommand());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RegisterAgentRequest request) {
        if (request == null) {
            throw MeshException.invalid("request body is required");
        }
        AgentRegistry.Registration r = registry.register(request.toCommand());
        return r.created()
                ? Response.created(URI.create("/api/v1/agents/" + r.agent().id())).entity(r.agent()).build()
                : Response.ok(r.agent()).build();
    }

    @GET
    public Map<String, Object> list(@QueryParam("capability") String capability,
                                    @QueryParam("namespace") String namespace,
                                    @QueryParam("limit") String limit,
                                    @QueryParam("offset") String offset) {
        List<AgentView> agents = registry.list(Params.optional(capability), Params.optional(namespace),
                Params.intParam("limit", limit, 100, 1, 1000), Params.intParam("offset", offset, 0, 0, Integer.MAX_VALUE));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agents", agents);
        out.put("count", agents.size());
        return out;
    }

    @GET
    @Path("/count")
    public Map<String, Object> count() {
        Map<String, Long> byStatus = registry.countByStatus();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", byStatus.getOrDefault("active", 0L));
        out.put("by_status", byStatus);
        return out;
    }

    @GET
    @Path("/{id}")
    public AgentView get(@PathParam("id") String id) {
        return registry.get(Params.agentId(id));
    }

    @DELETE
    @Path("/{id}")
    public AgentView deregister(@PathParam("id") String id, @QueryParam("owner") String owner) {
        return registry.deregister(Params.agentId(id), owner);
    }

    @POST
    @Path("/{id}/heartbeat")
    public Map<String, Object> heartbeat(@PathParam("id") String id) {
        AgentLiveness.Heartbeat beat = liveness.heartbeat(Params.agentId(id), AgentLiveness.REST);
        AgentView agent = beat.agent();
        return Map.of("id", agent.id(), "status", agent.status(), "ttl_ms", agent.heartbeatTtlMs(), "last_seen",
                agent.lastSeen(), "seen_via", agent.seenVia(),
                "ttl_seconds", agent.heartbeatTtl().toSeconds(), "live_cache", beat.cacheRefreshed() ? "refreshed" : "unavailable");
    }

    /** The agent's A2A AgentCard (the one it registered, or one made from its registration). */
    @GET
    @Path("/{id}/card")
    public Map<String, Object> card(@PathParam("id") String id) {
        return registry.card(Params.agentId(id));
    }
}
