package io.agentmesh.service.registry;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

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

    static final int MAX_HEARTBEATS = 1000;

    private final AgentRegistry registry;
    private final Enrollment enrollment;
    private final AgentLiveness liveness;
    private final Discovery discovery;
    private final BatchEnrollment batch;

    public AgentResource(AgentRegistry registry, Enrollment enrollment, BatchEnrollment batch, AgentLiveness liveness,
                         Discovery discovery) {
        this.registry = registry;
        this.enrollment = enrollment;
        this.batch = batch;
        this.liveness = liveness;
        this.discovery = discovery;
    }

    /** Rebuilds the Redis cache and the registry topic from Postgres; answers how many. */
    @POST
    @Path("/reregister")
    @Allow(Access.OPERATOR)
    public Map<String, Object> reregister() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("redis", discovery.rebuildCache());
        out.put("registry", registry.republishAll());
        return out;
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.MANAGE_AGENT)
    public AgentView update(@PathParam("id") String id, RegisterAgentRequest request, @Context SecurityContext caller) {
        if (request == null) {
            throw MeshException.invalid("request body is required");
        }
        return enrollment.update(Callers.of(caller), Params.agentId(id), request.toCommand());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.REGISTER)
    public Response register(RegisterAgentRequest request, @Context SecurityContext caller) {
        if (request == null) {
            throw MeshException.invalid("request body is required");
        }
        Enrollment.Registered r = enrollment.register(Callers.of(caller), request.toCommand());
        RegisteredAgent body = new RegisteredAgent(r.agent(), r.apiKey(), r.kafka());
        return r.created()
                ? Response.created(URI.create("/api/v1/agents/" + r.agent().id())).entity(body).build()
                : Response.ok(body).build();
    }

    /**
     * Up to 500 registrations in one call, each answered as the single call would (status, the agent,
     * its key when issued, or the error): {@code {"registered", "failed", "results": [...]}}.
     */
    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.REGISTER)
    public Map<String, Object> registerBatch(RegisterBatchRequest request, @Context SecurityContext caller) {
        return batch.register(Callers.of(caller), request == null ? null : request.agents());
    }

    @GET
    @Allow(Access.AUTHENTICATED)
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
    @Allow(Access.VIEWER)
    public Map<String, Object> count() {
        Map<String, Long> byStatus = registry.countByStatus();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", byStatus.getOrDefault("active", 0L));
        out.put("by_status", byStatus);
        return out;
    }

    @GET
    @Path("/{id}")
    @Allow(Access.SELF_OR_VIEWER)
    public AgentView get(@PathParam("id") String id) {
        return registry.get(Params.agentId(id));
    }

    @DELETE
    @Path("/{id}")
    @Allow(Access.MANAGE_AGENT)
    public AgentView deregister(@PathParam("id") String id, @QueryParam("owner") String owner,
                                @Context SecurityContext caller) {
        return enrollment.deregister(Callers.of(caller), Params.agentId(id), Params.optional(owner));
    }

    /** A new API key for the agent (shown once); the previous one stops working on every node. */
    @POST
    @Path("/{id}/credentials/rotate")
    @Allow(Access.MANAGE_AGENT)
    public Map<String, Object> rotate(@PathParam("id") String id, @Context SecurityContext caller) {
        return enrollment.rotate(Callers.of(caller), Params.agentId(id));
    }

    @POST
    @Path("/{id}/heartbeat")
    @Allow(Access.SELF_OR_OPERATOR)
    public Map<String, Object> heartbeat(@PathParam("id") String id) {
        AgentLiveness.Heartbeat beat = liveness.heartbeat(Params.agentId(id), AgentLiveness.REST);
        AgentView agent = beat.agent();
        return Map.of("id", agent.id(), "status", agent.status(), "ttl_ms", agent.heartbeatTtlMs(), "last_seen",
                agent.lastSeen(), "seen_via", agent.seenVia(),
                "ttl_seconds", agent.heartbeatTtl().toSeconds(), "live_cache", beat.cacheRefreshed() ? "refreshed" : "unavailable");
    }

    /**
     * Heartbeats of many agents in one call, for a process that hosts many: {@code {"ids": [...]}}
     * (1 to {@value #MAX_HEARTBEATS} agent ids) → how many were recorded and which ids are unknown or
     * deregistered. An operator credential, as it speaks for other agents; not in the audit (a host
     * sends one every few seconds), refusals are.
     */
    @POST
    @Path("/heartbeats")
    @Allow(value = Access.OPERATOR, audited = false)
    public Map<String, Object> heartbeats(HeartbeatsRequest request) {
        if (request == null || request.ids() == null || request.ids().isEmpty()) {
            throw MeshException.invalidField("ids", "a list of 1 to " + MAX_HEARTBEATS + " agent ids is required");
        }
        List<String> ids = request.ids().stream().distinct().toList();
        if (ids.size() > MAX_HEARTBEATS) {
            throw MeshException.invalidField("ids", ids.size() + " ids; at most " + MAX_HEARTBEATS + " per call");
        }
        if (ids.contains(null)) {
            throw MeshException.invalidField("ids", "an id may not be null");
        }
        AgentLiveness.Heartbeats beats = liveness.heartbeats(ids, AgentLiveness.REST);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seen", beats.seen().size());
        out.put("unknown", beats.unknown());
        out.put("live_cache", beats.cacheRefreshed() ? "refreshed" : "unavailable");
        return out;
    }

    /** Body of POST /api/v1/agents/heartbeats. */
    public record HeartbeatsRequest(@com.fasterxml.jackson.annotation.JsonProperty("ids") List<String> ids) {
    }

    /** The agent's A2A AgentCard (the one it registered, or one made from its registration). */
    @GET
    @Path("/{id}/card")
    @Allow(Access.AUTHENTICATED)
    public Map<String, Object> card(@PathParam("id") String id) {
        return registry.card(Params.agentId(id));
    }
}
