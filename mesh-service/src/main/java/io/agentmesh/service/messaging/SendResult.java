package io.agentmesh.service.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to an accepted send: the message id, and where it was written. */
public record SendResult(@JsonProperty("id") String id,
                         @JsonProperty("status") String status,
                         @JsonProperty("topic") String topic,
                         @JsonProperty("partition") int partition,
                         @JsonProperty("offset") long offset) {
}
