package io.agentmesh.service.dlq;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Body of POST /api/v1/queues/dlq/retry. Exactly one of {@code ids}, {@code filter} or
 * {@code all: true} says what to replay; no body at all means {@code all: true}.
 *
 * @param edit    optional changes: {@code payload} (any JSON, replaces the payload) and/or {@code to}
 * @param dryRun  say what would be replayed, change nothing
 * @param force   replay dead letters that were replayed before
 * @param max     most dead letters one request replays (default 1000)
 */
public record ReplayRequest(@JsonProperty("ids") List<String> ids,
                            @JsonProperty("filter") DeadLetterFilter filter,
                            @JsonProperty("all") Boolean all,
                            @JsonProperty("edit") Edit edit,
                            @JsonProperty("dry_run") Boolean dryRun,
                            @JsonProperty("force") Boolean force,
                            @JsonProperty("max") Integer max) {

    /**
     * Changes to make to every replayed message: a new payload, a new target, a new
     * {@code expires_at} (an ISO-8601 time, or null to clear it; needed to replay EXPIRED ones).
     */
    public record Edit(@JsonProperty("payload") JsonNode payload, @JsonProperty("to") String to,
                       @JsonProperty("expires_at") JsonNode expiresAt) {
    }

    /** What a request with no body asks for: every dead letter not yet replayed, up to the default max. */
    public static final ReplayRequest EVERYTHING_NOT_YET_REPLAYED = new ReplayRequest(null, null, true, null, null, null, null);

    public boolean isDryRun() {
        return Boolean.TRUE.equals(dryRun);
    }

    public boolean isForced() {
        return Boolean.TRUE.equals(force);
    }
}
