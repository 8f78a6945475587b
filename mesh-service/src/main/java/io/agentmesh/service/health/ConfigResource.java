package io.agentmesh.service.health;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * Run-time settings: GET /api/v1/config/health-checks shows the health-check settings in force;
 * PUT /api/v1/config changes them on every node and keeps them across restarts.
 */
@Path("/api/v1/config")
@Produces(MediaType.APPLICATION_JSON)
public final class ConfigResource {

    private final LiveHealthSettings settings;

    public ConfigResource(LiveHealthSettings settings) {
        this.settings = settings;
    }

    @GET
    @Path("health-checks")
    @Allow(Access.VIEWER)
    public Map<String, Object> healthChecks() {
        return settings.describe();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.ADMIN)
    public Map<String, Object> update(Map<String, Object> changes) {
        if (changes == null) {
            throw MeshException.invalid("request body is required, e.g. {\"health_check_interval_ms\": 30000}");
        }
        return settings.update(changes);
    }
}
