package io.agentmesh.service.delivery;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.common.DrainControl;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.Map;

/** GET /api/v1/connections/active: what is still open on this node (the runbook's wait-until-zero loop). */
@Path("/api/v1/connections")
@Produces(MediaType.APPLICATION_JSON)
public final class ConnectionsResource {

    private final ActiveConnections active;
    private final DrainControl drain;

    public ConnectionsResource(ActiveConnections active, DrainControl drain) {
        this.active = active;
        this.drain = drain;
    }

    @GET
    @Path("active")
    @Allow(Access.VIEWER)
    public Map<String, Object> active() {
        Map<String, Object> out = new LinkedHashMap<>(active.snapshot());
        out.put("draining", drain.draining());
        return out;
    }
}
