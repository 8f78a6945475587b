package io.agentmesh.service.dlq;

import io.agentmesh.service.delivery.InboxMessageView;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A dead letter as the operator API shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterView(@JsonProperty("dlq_id") String dlqId,
                             @JsonProperty("reason") String reason,
                             @JsonProperty("cause") String cause,
                             @JsonProperty("error") String error,
                             @JsonProperty("attempts") int attempts,
                             @JsonProperty("origin") String origin,
                             @JsonProperty("dead_lettered_at") String deadLetteredAt,
                             @JsonProperty("first_failure") String firstFailure,
                             @JsonProperty("last_failure") String lastFailure,
                             @JsonProperty("message") InboxMessageView message) {

    public static DeadLetterView of(DeadLetter d, ObjectMapper mapper) {
        return new DeadLetterView(d.dlqId(), d.reason(), d.cause(), d.error(), d.attempts(), d.origin(),
                d.deadLetteredAt().toString(), d.firstFailure(), d.lastFailure(), InboxMessageView.of(d.message(), mapper));
    }
}
