package io.agentmesh.service.delivery;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.common.DrainControl;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POST /api/v1/drain starts draining this node (answers at once; the streams wind down in the
 * background), GET shows it with what is still open, DELETE stops draining.
 */
@Path("/api/v1/drain")
@Produces(MediaType.APPLICATION_JSON)
public final class DrainResource {

    private final NodeDrain drain;
    private final DrainControl control;
    private final ActiveConnections active;

    public DrainResource(NodeDrain drain, DrainControl control, ActiveConnections active) {
        this.drain = drain;
        this.control = control;
        this.active = active;
    }

    @POST
    @Allow(Access.OPERATOR)
    public Map<String, Object> start() {
        drain.start();
        return status();
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("draining", control.draining());
        out.put("since", control.since() == null ? null : control.since().toString());
        out.put("active", active.snapshot());
        return out;
    }

    @DELETE
    @Allow(Access.OPERATOR)
    public Map<String, Object> stop() {
        drain.stop();
        return status();
    }
}
