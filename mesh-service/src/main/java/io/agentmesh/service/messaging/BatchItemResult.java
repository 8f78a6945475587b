package io.agentmesh.service.messaging;

import io.agentmesh.service.errors.ErrorBody;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One message of a batch send: {@code accepted} with where Kafka wrote it, or {@code rejected}
 * with the error that a single send would have answered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchItemResult(@JsonProperty("index") int index,
                              @JsonProperty("status") String status,
                              @JsonProperty("id") String id,
                              @JsonProperty("topic") String topic,
                              @JsonProperty("partition") Integer partition,
                              @JsonProperty("offset") Long offset,
                              @JsonProperty("error") ErrorBody error) {

    public static BatchItemResult accepted(int index, SendResult r) {
        return new BatchItemResult(index, "accepted", r.id(), r.topic(), r.partition(), r.offset(), null);
    }

    public static BatchItemResult rejected(int index, String id, ErrorBody error) {
        return new BatchItemResult(index, "rejected", id, null, null, null, error);
    }

    public boolean isAccepted() {
        return error == null;
    }
}
