package io.agentmesh.service.messaging;

import io.agentmesh.service.delivery.InboxRecord;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.streams.envelope.MeshHeaders;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches a requester's inbox for the reply that carries a correlation id. It positions itself at
 * the end of the inbox before the request is sent, so a reply cannot slip past, and it joins no
 * group and commits nothing, so the reply stays in the inbox for the requester's normal readers
 * whether or not it arrives in time. Any mesh node can watch: the reply may be sent through another.
 */
public final class ReplyWatcher implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final String correlationId;

    private ReplyWatcher(Consumer<byte[], byte[]> consumer, String correlationId) {
        this.consumer = consumer;
        this.correlationId = correlationId;
    }

    /** Opens a watcher positioned at the current end of {@code agentId}'s inbox. */
    public static ReplyWatcher open(MeshTopics topics, KafkaClientProps props, String agentId, String correlationId) {
        Map<String, Object> p = props.reader(100);
        Consumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        try {
            String topic = topics.inbox(agentId);
            List<TopicPartition> parts = c.partitionsFor(topic, TIMEOUT).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(tp -> c.position(tp, TIMEOUT));
            return new ReplyWatcher(c, correlationId);
        } catch (KafkaException e) {
            c.close(Duration.ZERO);
            throw KafkaFailures.translate(e, "watch the inbox of " + agentId);
        }
    }

    /** How far before a resent request's first send the reply is looked for (the replier's clock may lag). */
    static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

    /**
     * For a resent request: look for the reply from the first send on ({@code firstSentAt}, less the
     * clock slack), since the reply to the first send may already be in the inbox.
     */
    public void rewindTo(long firstSentAt) {
        try {
            Map<TopicPartition, Long> at = new java.util.HashMap<>();
            consumer.assignment().forEach(tp -> at.put(tp, Math.max(0, firstSentAt - CLOCK_SLACK.toMillis())));
            consumer.offsetsForTimes(at, TIMEOUT).forEach((tp, found) -> {
                if (found != null) {
                    consumer.seek(tp, found.offset());
                }
            });
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "look back for the reply to " + correlationId);
        }
    }

    /** The reply, or empty when none came within {@code wait}. */
    public Optional<InboxRecord> await(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(Math.min(left, 200)))) {
                    Header h = r.headers().lastHeader(MeshHeaders.CORRELATION_ID);
                    if (h != null && correlationId.equals(new String(h.value(), StandardCharsets.UTF_8))) {
                        return Optional.of(InboxRecord.of(r));
                    }
                }
            }
            return Optional.empty();
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "wait for the reply to " + correlationId);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
