package io.agentmesh.service.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.service.web.Params;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Operator credentials (admins only): issue, list, show, revoke. Agents' keys come with registration. */
@Path("/api/v1/credentials")
@Produces(MediaType.APPLICATION_JSON)
public final class CredentialsResource {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

    /** What to issue. */
    public record IssueRequest(@JsonProperty("name") String name, @JsonProperty("role") String role) {
    }

    private final Credentials credentials;

    public CredentialsResource(Credentials credentials) {
        this.credentials = credentials;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.ADMIN)
    public Response issue(IssueRequest request, @Context SecurityContext context) {
        if (request == null) {
            throw MeshException.invalid("request body is required: {\"name\": ..., \"role\": \"viewer|operator|admin|owner\"}");
        }
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw MeshException.invalidField("name", "'" + request.name()
                    + "' must be 1-64 characters of a-z, 0-9, '.', '_', '@' and '-', starting with a letter or digit");
        }
        Role role = Role.parse(request.role()).orElseThrow(() -> MeshException.invalidField("role",
                "'" + request.role() + "' is not one of owner, viewer, operator, admin"));
        Credentials.Issued issued = credentials.issueOperator(request.name(), role, Callers.of(context).label());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", issued.id());
        out.put("kind", Credentials.OPERATOR);
        out.put("name", issued.name());
        out.put("role", issued.role().wire());
        out.put("token", issued.token());
        out.put("note", "the token is shown only now; the mesh keeps only its hash");
        return Response.created(URI.create("/api/v1/credentials/" + issued.id())).entity(out).build();
    }

    @GET
    @Allow(Access.ADMIN)
    public Map<String, Object> list(@QueryParam("kind") String kind, @QueryParam("revoked") String revoked) {
        if (kind != null && !kind.equals(Credentials.AGENT) && !kind.equals(Credentials.OPERATOR)) {
            throw MeshException.invalidField("kind", "'" + kind + "' is not agent or operator");
        }
        if (revoked != null && !revoked.equals("true") && !revoked.equals("false")) {
            throw MeshException.invalidField("revoked", "must be true or false");
        }
        List<Map<String, Object>> rows = credentials.list(kind, "true".equals(revoked));
        return Map.of("credentials", rows, "count", rows.size());
    }

    @GET
    @Path("{credentialId}")
    @Allow(Access.ADMIN)
    public Map<String, Object> get(@PathParam("credentialId") String rawId) {
        long id = id(rawId);
        return credentials.describe(id).orElseThrow(() -> notFound(id));
    }

    @DELETE
    @Path("{credentialId}")
    @Allow(Access.ADMIN)
    public Map<String, Object> revoke(@PathParam("credentialId") String rawId) {
        long id = id(rawId);
        Map<String, Object> row = credentials.describe(id).orElseThrow(() -> notFound(id));
        if (!credentials.revoke(id)) {
            throw new MeshException(ErrorCode.CONFLICT, "credential " + id + " is already revoked", Map.of("id", id));
        }
        return credentials.describe(id).orElse(row);
    }

    private static long id(String raw) {
        return Params.intParam("credentialId", raw, 0, 1, Integer.MAX_VALUE);
    }

    private static MeshException notFound(long id) {
        return new MeshException(ErrorCode.NOT_FOUND, "no credential " + id, Map.of("id", id));
    }
}
