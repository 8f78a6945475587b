package io.agentmesh.service.registry;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.web.Params;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.Map;

/** GET /api/v1/discover?capability=&namespace=&status=: live agents from Redis, else from Postgres (degraded). */
@Path("/api/v1/discover")
@Produces(MediaType.APPLICATION_JSON)
public final class DiscoverResource {

    private final Discovery discovery;
    private final io.agentmesh.service.platform.MeshMetrics metrics;

    public DiscoverResource(Discovery discovery, io.agentmesh.service.platform.MeshMetrics metrics) {
        this.discovery = discovery;
        this.metrics = metrics;
    }

    @GET
    @Allow(Access.AUTHENTICATED)
    public Map<String, Object> discover(@QueryParam("capability") String capability,
                                        @QueryParam("namespace") String namespace,
                                        @QueryParam("status") String status) {
        long start = System.nanoTime();
        Discovery.Result r = discovery.discover(Params.optional(capability), Params.optional(namespace),
                Params.optional(status));
        metrics.discovery((System.nanoTime() - start) / 1e9, r.source());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agents", r.agents());
        out.put("count", r.agents().size());
        out.put("source", r.source());
        out.put("degraded", r.degraded());
        return out;
    }
}
