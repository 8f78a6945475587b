package io.agentmesh.service.auth;

import io.agentmesh.service.web.Params;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The audit trail for admins: operator actions and refused calls, newest first. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public final class AuditResource {

    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @Allow(Access.ADMIN)
    public Map<String, Object> find(@QueryParam("actor") String actor, @QueryParam("action") String action,
                                    @QueryParam("since") String since, @QueryParam("limit") String limit) {
        Instant from = since == null || since.isEmpty() ? null : Params.time("since", since);
        List<Map<String, Object>> rows = audit.find(Params.text("actor", actor), Params.text("action", action), from,
                Params.intParam("limit", limit, 100, 1, 1000));
        return Map.of("entries", rows, "count", rows.size());
    }
}
