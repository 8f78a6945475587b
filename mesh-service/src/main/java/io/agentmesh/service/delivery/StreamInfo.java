package io.agentmesh.service.delivery;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An open delivery stream as GET /api/v1/grpc/connections shows it. */
public record StreamInfo(@JsonProperty("stream_id") String streamId,
                         @JsonProperty("agent_id") String agentId,
                         @JsonProperty("peer") String peer,
                         @JsonProperty("since") String since,
                         @JsonProperty("messages") long messages,
                         @JsonProperty("bytes") long bytes,
                         @JsonProperty("credit") int credit,
                         @JsonProperty("unacked") int unacked) {
}
