package io.agentmesh.service.messaging;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer to an accepted send: the message id, and where it was written. {@code firstSentAt}
 * (not in the answer) is when the same sender first sent the same id, for a resend; else null.
 */
public record SendResult(@JsonProperty("id") String id,
                         @JsonProperty("status") String status,
                         @JsonProperty("topic") String topic,
                         @JsonProperty("partition") int partition,
                         @JsonProperty("offset") long offset,
                         @JsonIgnore Long firstSentAt) {

    public SendResult(String id, String status, String topic, int partition, long offset) {
        this(id, status, topic, partition, offset, null);
    }
}
