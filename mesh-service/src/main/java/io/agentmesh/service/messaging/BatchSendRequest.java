package io.agentmesh.service.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** Body of POST /api/v1/messages/batch: the messages, each as in POST /api/v1/messages. */
public record BatchSendRequest(@JsonProperty("messages") List<SendMessageRequest> messages) {
}
