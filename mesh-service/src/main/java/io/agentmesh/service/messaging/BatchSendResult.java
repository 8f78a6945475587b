package io.agentmesh.service.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The answer to a batch send: counts, and one result per message in the order sent. */
public record BatchSendResult(@JsonProperty("accepted") int accepted,
                              @JsonProperty("rejected") int rejected,
                              @JsonProperty("results") List<BatchItemResult> results) {

    public static BatchSendResult of(List<BatchItemResult> results) {
        int ok = (int) results.stream().filter(BatchItemResult::isAccepted).count();
        return new BatchSendResult(ok, results.size() - ok, results);
    }
}
