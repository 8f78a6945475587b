package io.agentmesh.service.delivery;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A long-poll answer. {@code ack} is what to POST to .../messages/ack once the messages are
 * processed: for each partition, the offset after the last message returned.
 */
public record InboxBatch(@JsonProperty("agent_id") String agentId,
                         @JsonProperty("messages") List<InboxMessageView> messages,
                         @JsonProperty("ack") Map<Integer, Long> ack) {
}
