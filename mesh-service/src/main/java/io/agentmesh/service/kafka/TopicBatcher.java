package io.agentmesh.service.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Creates topics asked for concurrently in as few calls as it can: one CreateTopics request is in
 * flight at a time, and everything asked for meanwhile goes out together in the next. The KRaft
 * controller commits each request to its metadata log (about 35 ms here, one after the other), so
 * thirty registrations at once cost one such commit instead of thirty. A topic that already
 * exists counts as created.
 */
final class TopicBatcher {

    private final Admin admin;
    private Map<String, NewTopic> waiting = new LinkedHashMap<>();
    private Map<String, CompletableFuture<Void>> waiters = new LinkedHashMap<>();
    private boolean inFlight;

    TopicBatcher(Admin admin) {
        this.admin = admin;
    }

    CompletableFuture<Void> create(NewTopic topic) {
        synchronized (this) {
            CompletableFuture<Void> done = waiters.get(topic.name());
            if (done == null) {
                done = new CompletableFuture<>();
                waiters.put(topic.name(), done);
                waiting.put(topic.name(), topic);
            }
            if (!inFlight) {
                dispatch();
            }
            return done;
        }
    }

    /** Sends everything waiting as one request; the next goes when this one has been answered. */
    private void dispatch() {
        if (waiting.isEmpty()) {
            inFlight = false;
            return;
        }
        inFlight = true;
        Map<String, NewTopic> batch = waiting;
        Map<String, CompletableFuture<Void>> answers = waiters;
        waiting = new LinkedHashMap<>();
        waiters = new LinkedHashMap<>();
        CreateTopicsResult result;
        try {
            result = admin.createTopics(batch.values());
        } catch (RuntimeException e) {
            answers.values().forEach(f -> f.completeExceptionally(e));
            inFlight = false;
            return;
        }
        result.values().forEach((name, created) -> created.whenComplete((v, error) -> {
            CompletableFuture<Void> answer = answers.get(name);
            if (error == null || error instanceof TopicExistsException
                    || error.getCause() instanceof TopicExistsException) {
                answer.complete(null);
            } else {
                answer.completeExceptionally(error);
            }
        }));
        KafkaFuture.allOf(result.values().values().toArray(new KafkaFuture[0])).whenComplete((v, error) -> {
            synchronized (this) {
                dispatch();
            }
        });
    }
}
