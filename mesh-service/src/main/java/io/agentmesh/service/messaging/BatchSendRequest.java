package io.agentmesh.service.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** Body of POST /api/v1/messages/batch: the messages, each as in POST /api/v1/messages. */
/** Each message is read on its own, so one of the wrong shape is rejected alone (207), not the batch. */
public record BatchSendRequest(@JsonProperty("messages") List<com.fasterxml.jackson.databind.JsonNode> messages) {
}
