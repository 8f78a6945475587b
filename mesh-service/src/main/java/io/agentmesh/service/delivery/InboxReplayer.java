package io.agentmesh.service.delivery;

import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.kafka.TopicScanner;
import io.agentmesh.service.kafka.MessagePublisher;
import com.google.common.util.concurrent.RateLimiter;
import io.agentmesh.service.common.ProgressListener;
import io.agentmesh.service.errors.KafkaFailures;
import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Puts an agent's inbox traffic from a time window in front of it again, for an agent that lost
 * its state: the records of its inbox with timestamps in [from, to) are appended to the inbox once
 * more (same key, payload and headers, plus {@code ce_meshreplayed} = original position), at a
 * bounded rate so a big window does not swamp the broker or the agent.
 */
public final class InboxReplayer {

    private final MeshTopics topics;
    private final KafkaClientProps props;
    private final MessagePublisher publisher;
    private final double ratePerSecond;
    private final Clock clock;

    public InboxReplayer(MeshTopics topics, KafkaClientProps props, MessagePublisher publisher, double ratePerSecond,
                         Clock clock) {
        this.topics = topics;
        this.props = props;
        this.publisher = publisher;
        this.ratePerSecond = ratePerSecond;
        this.clock = clock;
    }

    public record Result(int replayed, boolean more, long tookMs) {
    }

    public Result replay(String agentId, Instant from, Instant to, int max) {
        return replay(agentId, from, to, max, ProgressListener.NONE);
    }

    /** As {@link #replay(String, Instant, Instant, int)}, telling {@code progress} after every record written. */
    public Result replay(String agentId, Instant from, Instant to, int max, ProgressListener progress) {
        long started = clock.millis();
        String topic = topics.inbox(agentId);
        RateLimiter pace = RateLimiter.create(ratePerSecond);
        List<CompletableFuture<RecordMetadata>> writes = new ArrayList<>();
        boolean more = false;
        try (TopicScanner scanner = TopicScanner.open(props, 500)) {
            List<TopicPartition> parts = scanner.partitions(topic);
            Map<TopicPartition, Long> ends = scanner.ends(parts);
            Map<TopicPartition, Long> starts = scanner.offsetsAt(parts, from);
            // at most this many (records after `to` end a partition early)
            long total = Math.min(max, starts.entrySet().stream()
                    .mapToLong(e -> Math.max(0, ends.get(e.getKey()) - e.getValue())).sum());
            progress.progress(0, total);
            for (TopicPartition tp : parts) {
                if (!starts.containsKey(tp) || more) {
                    continue;
                }
                boolean[] full = {false};
                scanner.scan(tp, starts.get(tp), ends.get(tp), r -> {
                    if (r.timestamp() >= to.toEpochMilli()) {
                        return false;
                    }
                    if (writes.size() >= max) {
                        full[0] = true;
                        return false;
                    }
                    pace.acquire();
                    RecordHeaders headers = new RecordHeaders(r.headers().toArray());
                    headers.add("ce_meshreplayed", (tp.partition() + "-" + r.offset()).getBytes(StandardCharsets.UTF_8));
                    writes.add(publisher.publish(new ProducerRecord<>(topic, tp.partition(), clock.millis(), r.key(),
                            r.value(), headers), "replay inbox of " + agentId));
                    progress.progress(writes.size(), total);
                    return true;
                });
                more = full[0];
            }
            CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])).join();
        } catch (CompletionException e) {
            throw KafkaFailures.translate(e, "replay inbox of " + agentId);
        } catch (KafkaException e) {
            throw KafkaFailures.translate(e, "replay inbox of " + agentId);
        }
        return new Result(writes.size(), more, clock.millis() - started);
    }
}
