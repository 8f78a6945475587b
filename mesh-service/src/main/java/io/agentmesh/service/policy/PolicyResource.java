package io.agentmesh.service.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;
import io.agentmesh.service.auth.Callers;
import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import io.agentmesh.streams.topics.AgentIds;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Namespace send policies: read by viewers, set and removed by admins. */
@Path("/api/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
public final class PolicyResource {

    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");

    /** What a PUT sets; absent lists are empty, absent broadcast false. */
    public record Body(@JsonProperty("namespaces") List<String> namespaces,
                       @JsonProperty("capabilities") List<String> capabilities,
                       @JsonProperty("agents") List<String> agents,
                       @JsonProperty("broadcast") Boolean broadcast) {
    }

    private final SendPolicies policies;

    public PolicyResource(SendPolicies policies) {
        this.policies = policies;
    }

    @GET
    @Allow(Access.VIEWER)
    public Map<String, Object> list() {
        List<SendPolicy> all = policies.all();
        return Map.of("policies", all, "count", all.size(),
                "default", "a namespace without a policy: its own namespace only, no broadcast");
    }

    @GET
    @Path("{namespace}")
    @Allow(Access.VIEWER)
    public SendPolicy get(@PathParam("namespace") String namespace) {
        return policies.of(name("namespace", namespace));
    }

    @PUT
    @Path("{namespace}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.ADMIN)
    public SendPolicy put(@PathParam("namespace") String namespace, Body body, @Context SecurityContext caller) {
        if (body == null) {
            throw MeshException.invalid("request body is required: {\"namespaces\": [...], \"capabilities\": [...], "
                    + "\"agents\": [...], \"broadcast\": false}");
        }
        String ns = name("namespace", namespace);
        SendPolicy policy = new SendPolicy(ns, names("namespaces", body.namespaces()), names("capabilities", body.capabilities()),
                agents(body.agents()), Boolean.TRUE.equals(body.broadcast()), false);
        return policies.put(policy, Callers.of(caller).label());
    }

    @DELETE
    @Path("{namespace}")
    @Allow(Access.ADMIN)
    public SendPolicy delete(@PathParam("namespace") String namespace) {
        String ns = name("namespace", namespace);
        if (!policies.delete(ns)) {
            throw new MeshException(ErrorCode.NOT_FOUND, "namespace '" + ns + "' has no policy of its own",
                    Map.of("namespace", ns));
        }
        return policies.of(ns);
    }

    private static String name(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw MeshException.invalidField(field, "'" + value + "' must be 1-64 characters of [a-z0-9._-]");
        }
        return value;
    }

    private static List<String> names(String field, List<String> values) {
        if (values == null) {
            return List.of();
        }
        for (String v : values) {
            if (!SendPolicy.ANY.equals(v)) {
                name(field, v);
            }
        }
        return List.copyOf(values);
    }

    private static List<String> agents(List<String> values) {
        if (values == null) {
            return List.of();
        }
        for (String v : values) {
            if (!AgentIds.isValid(v)) {
                throw MeshException.invalidField("agents", "'" + v + "' is not a valid agent id: " + AgentIds.RULE);
            }
        }
        return List.copyOf(values);
    }
}
