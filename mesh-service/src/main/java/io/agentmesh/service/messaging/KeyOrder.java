package io.agentmesh.service.messaging;

import io.agentmesh.service.kafka.MessagePublisher;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Hands records of one routing key to the publisher in the order they were accepted, whatever order
 * they become ready in (a resend pin's answer from Redis may come after a later message of the same
 * key that needed none). A record waits only behind earlier records of its own key.
 */
final class KeyOrder {

    private record Slot(CompletableFuture<ProducerRecord<byte[], byte[]>> ready, CompletableFuture<RecordMetadata> out,
                        String action) {
    }

    private final MessagePublisher publisher;
    private final Map<String, Deque<Slot>> queues = new HashMap<>();

    KeyOrder(MessagePublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes the record once it is ready and every earlier record of {@code key} has been handed in. */
    CompletableFuture<RecordMetadata> publish(String key, CompletableFuture<ProducerRecord<byte[], byte[]>> ready,
                                              String action) {
        Slot slot = new Slot(ready, new CompletableFuture<>(), action);
        synchronized (queues) {
            queues.computeIfAbsent(key, k -> new ArrayDeque<>()).add(slot);
        }
        ready.whenComplete((r, e) -> drain(key));
        return slot.out();
    }

    private void drain(String key) {
        synchronized (queues) {
            Deque<Slot> queue = queues.get(key);
            while (queue != null && !queue.isEmpty() && queue.peek().ready().isDone()) {
                Slot head = queue.poll();
                // handed to the publisher under the lock: the order of the calls is the order of the key
                head.ready().handle((record, error) -> {
                    if (error != null) {
                        head.out().completeExceptionally(error);
                    } else {
                        publisher.publish(record, head.action()).whenComplete((md, failed) -> {
                            if (failed != null) {
                                head.out().completeExceptionally(failed);
                            } else {
                                head.out().complete(md);
                            }
                        });
                    }
                    return null;
                });
            }
            if (queue != null && queue.isEmpty()) {
                queues.remove(key);
            }
        }
    }
}
