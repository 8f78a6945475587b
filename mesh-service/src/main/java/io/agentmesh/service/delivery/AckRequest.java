package io.agentmesh.service.delivery;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * Body of POST /api/v1/agents/{id}/messages/ack: partition &rarr; next offset to read; {@code skip}
 * true passes over messages never handed out (else an offset beyond what was delivered is a 400).
 */
public record AckRequest(@JsonProperty("offsets") Map<Integer, Long> offsets, @JsonProperty("skip") Boolean skip) {

    public boolean skipping() {
        return Boolean.TRUE.equals(skip);
    }
}
