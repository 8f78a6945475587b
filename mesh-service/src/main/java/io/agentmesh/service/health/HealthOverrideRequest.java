package io.agentmesh.service.health;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of PUT /api/v1/agents/{id}/health: {@code status} healthy or unhealthy, an optional
 * {@code reason}, and an optional end: {@code expires_at} (ISO-8601) or {@code expires_in_seconds}.
 */
public record HealthOverrideRequest(@JsonProperty("status") String status,
                                    @JsonProperty("reason") String reason,
                                    @JsonProperty("expires_at") String expiresAt,
                                    @JsonProperty("expires_in_seconds") Long expiresInSeconds) {
}
