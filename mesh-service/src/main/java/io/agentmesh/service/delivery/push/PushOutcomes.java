package io.agentmesh.service.delivery.push;

import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.service.delivery.DeliveryEvents;
import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.service.platform.MeshMetrics;
import io.agentmesh.service.registry.AgentActivity;
import io.agentmesh.service.registry.AgentLiveness;
import io.agentmesh.service.kafka.MessagePublisher;
import io.agentmesh.streams.envelope.DeadLetterReason;
import io.agentmesh.streams.router.DeadLetters;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Clock;
import java.util.List;

/** What happens after a push: the delivered event, or the dead letter (written and confirmed). */
public final class PushOutcomes {

    private final MessagePublisher publisher;
    private final MeshTopics topics;
    private final DeliveryEvents events;
    private final Clock clock;
    private final AgentActivity activity;
    private final MeshMetrics metrics;

    public PushOutcomes(MessagePublisher publisher, MeshTopics topics, DeliveryEvents events, Clock clock,
                        AgentActivity activity, MeshMetrics metrics) {
        this.publisher = publisher;
        this.topics = topics;
        this.events = events;
        this.clock = clock;
        this.activity = activity;
        this.metrics = metrics;
    }

    public void delivered(String agentId, InboxRecord r) {
        events.delivered(agentId, "push", List.of(r));
        activity.touch(agentId, AgentLiveness.PUSH);
    }

    /** Writes the dead letter and waits for Kafka to confirm it (only then is the record done). */
    public void deadLetter(String agentId, InboxRecord r, DeadLetterReason reason, String error,
                           int attempts, long firstFailureMs) {
        long now = clock.millis();
        var headers = DeadLetters.headers(r.headers(), new DeadLetters.Failure(reason, error, attempts,
                "push:" + agentId, firstFailureMs, now, null), now);
        KafkaFailures.await(publisher.publish(new ProducerRecord<>(topics.dlq(), null, now, r.key(), r.payload(), headers),
                "dead-letter push to " + agentId), "dead-letter push to " + agentId);
        events.deadLettered(agentId, r, reason.name(), error);
        // every dead letter counts, the router's and delivery's alike (the DLQ alert reads it)
        metrics.deadLettered();
    }
}
