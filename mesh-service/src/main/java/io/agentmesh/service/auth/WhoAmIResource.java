package io.agentmesh.service.auth;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.LinkedHashMap;
import java.util.Map;

/** Who the mesh takes the caller for: a quick check of a token. */
@Path("/api/v1/auth/whoami")
@Produces(MediaType.APPLICATION_JSON)
public final class WhoAmIResource {

    private final boolean enabled;

    public WhoAmIResource(boolean enabled) {
        this.enabled = enabled;
    }

    @GET
    @Allow(Access.AUTHENTICATED)
    public Map<String, Object> whoami(@Context SecurityContext context) {
        MeshPrincipal caller = Callers.of(context);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", caller.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("name", caller.name());
        out.put("role", caller.role() == null ? null : caller.role().wire());
        out.put("auth_enabled", enabled);
        return out;
    }
}
