package io.agentmesh.service.health;

import io.agentmesh.service.auth.Access;
import io.agentmesh.service.auth.Allow;

import io.agentmesh.service.web.Params;
import io.agentmesh.service.registry.AgentView;
import io.agentmesh.service.registry.AgentRegistry;
import io.agentmesh.service.errors.MeshException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One agent's health: current state, history, manual override and its removal. */
@Path("/api/v1/agents/{id}/health")
@Produces(MediaType.APPLICATION_JSON)
public final class AgentHealthResource {

    private static final Set<String> OVERRIDES = Set.of(HealthState.HEALTHY, HealthState.UNHEALTHY);
    private static final long MAX_OVERRIDE_SECONDS = 30L * 24 * 3600;
    private static final int MAX_REASON = 500;

    private final AgentRegistry registry;
    private final HealthService health;
    private final Clock clock;

    public AgentHealthResource(AgentRegistry registry, HealthService health, Clock clock) {
        this.registry = registry;
        this.health = health;
        this.clock = clock;
    }

    @GET
    @Allow(Access.SELF_OR_VIEWER)
    public Map<String, Object> get(@PathParam("id") String id) {
        AgentView agent = registry.get(Params.agentId(id));
        return HealthViews.of(agent, health.find(id).orElse(null));
    }

    @GET
    @Path("history")
    @Allow(Access.SELF_OR_VIEWER)
    public Map<String, Object> history(@PathParam("id") String id, @QueryParam("limit") String limit) {
        registry.get(Params.agentId(id));
        List<HealthEvent> events = health.history(id, Params.intParam("limit", limit, 100, 1, 10_000));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agent_id", id);
        out.put("events", events);
        out.put("count", events.size());
        return out;
    }

    /** Sets the status by hand: {@code {"status": "healthy", "reason": "...", "expires_in_seconds": 600}}. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(Access.OPERATOR)
    public Map<String, Object> override(@PathParam("id") String id, HealthOverrideRequest body) {
        AgentView agent = registry.get(Params.agentId(id));
        if (body == null) {
            throw MeshException.invalid("request body is required: {\"status\": \"healthy\" | \"unhealthy\"}");
        }
        if (body.status() == null || !OVERRIDES.contains(body.status())) {
            throw MeshException.invalidField("status", "must be one of " + OVERRIDES + " (DELETE clears an override)");
        }
        String reason = body.reason() == null || body.reason().isBlank() ? "manual override" : body.reason().strip();
        if (reason.length() > MAX_REASON) {
            throw MeshException.invalidField("reason", "at most " + MAX_REASON + " characters");
        }
        if (reason.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\r' && ch != '\t')) {
            throw MeshException.invalidField("reason", "may not hold control characters other than line breaks and tab");
        }
        HealthState s = health.override(id, body.status(), reason, until(body));
        return HealthViews.of(agent, s);
    }

    @DELETE
    @Allow(Access.OPERATOR)
    public Map<String, Object> clear(@PathParam("id") String id) {
        AgentView agent = registry.get(Params.agentId(id));
        return HealthViews.of(agent, health.clearOverride(id));
    }

    private Instant until(HealthOverrideRequest body) {
        Instant now = clock.instant();
        if (body.expiresAt() != null && body.expiresInSeconds() != null) {
            throw MeshException.invalidField("expires_at", "give expires_at or expires_in_seconds, not both");
        }
        if (body.expiresInSeconds() != null) {
            if (body.expiresInSeconds() < 1 || body.expiresInSeconds() > MAX_OVERRIDE_SECONDS) {
                throw MeshException.invalidField("expires_in_seconds", body.expiresInSeconds() + " is outside 1.."
                        + MAX_OVERRIDE_SECONDS);
            }
            return now.plusSeconds(body.expiresInSeconds());
        }
        if (body.expiresAt() != null) {
            Instant at;
            try {
                at = Instant.parse(body.expiresAt());
            } catch (DateTimeParseException e) {
                throw MeshException.invalidField("expires_at", "'" + body.expiresAt() + "' is not an ISO-8601 instant");
            }
            if (!at.isAfter(now) || at.isAfter(now.plusSeconds(MAX_OVERRIDE_SECONDS))) {
                throw MeshException.invalidField("expires_at", "must be in the future and within 30 days");
            }
            return at;
        }
        return null;
    }
}
