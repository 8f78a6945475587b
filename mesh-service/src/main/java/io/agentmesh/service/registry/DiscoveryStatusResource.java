package io.agentmesh.service.registry;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** GET /api/v1/discovery/status: backend, cache size, hit rate, last rebuild, lag behind Postgres. */
@Path("/api/v1/discovery")
@Produces(MediaType.APPLICATION_JSON)
public final class DiscoveryStatusResource {

    private final Discovery discovery;

    public DiscoveryStatusResource(Discovery discovery) {
        this.discovery = discovery;
    }

    @GET
    @Path("status")
    @Allow(Access.VIEWER)
    public Map<String, Object> status() {
        return discovery.status();
    }
}
