package io.agentmesh.service.taps;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentmesh.service.kafka.KafkaClientProps;
import io.agentmesh.service.kafka.TopicScanner;
import io.agentmesh.streams.taps.TapDefinition;
import io.agentmesh.streams.taps.TapEvent;
import io.agentmesh.streams.taps.TapRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backfill of one tap: what {@code mesh.ingress} and {@code mesh.events} still hold of
 * {@code [from, to)}, made into the tap's records exactly as the live application makes them
 * ({@link TapRecords}, the same {@code event_id}s) and written to the tap's topic with their own
 * times. The agents' namespaces and capabilities are the registry's at the time of the backfill.
 */
final class TapBackfill implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger("io.agentmesh.taps");
    /** Writes awaited at once at most (then the next ones are read). */
    private static final int IN_FLIGHT = 2_000;

    private final TapDefinition tap;
    private final Instant from;
    private final Instant to;
    private final List<String> sources;
    private final KafkaClientProps props;
    private final TapRecords records;
    private final ObjectMapper mapper;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile String state = "queued";
    private volatile String error;
    private volatile Instant startedAt;
    private volatile Instant endedAt;

    TapBackfill(TapDefinition tap, Instant from, Instant to, List<String> sources, KafkaClientProps props,
                TapRecords records, ObjectMapper mapper) {
        this.tap = tap;
        this.from = from;
        this.to = to;
        this.sources = sources;
        this.props = props;
        this.records = records;
        this.mapper = mapper;
    }

    boolean running() {
        return "queued".equals(state) || "running".equals(state);
    }

    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tap", tap.name());
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("state", state);
        out.put("records_read", read.get());
        out.put("records_written", written.get());
        if (startedAt != null) {
            out.put("started_at", startedAt.toString());
        }
        if (endedAt != null) {
            out.put("ended_at", endedAt.toString());
        }
        if (error != null) {
            out.put("error", error);
        }
        return out;
    }

    @Override
    public void run() {
        state = "running";
        startedAt = Instant.now();
        // a producer of its own: a backfill's thousands of writes do not queue before agents' sends
        try (TopicScanner scanner = TopicScanner.open(props, 500);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props.producer("tap-backfill"))) {
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (String topic : sources) {
                boolean ingress = topic.equals(sources.get(0));
                List<TopicPartition> parts = scanner.partitions(topic);
                Map<TopicPartition, Long> starts = scanner.offsetsAt(parts, from);
                Map<TopicPartition, Long> ends = scanner.ends(parts);
                Map<TopicPartition, Long> stops = scanner.offsetsAt(parts, to);
                for (TopicPartition tp : parts) {
                    Long start = starts.get(tp);
                    if (start == null) {
                        continue;
                    }
                    long end = Math.min(ends.get(tp), stops.getOrDefault(tp, ends.get(tp)));
                    scanner.forEach(tp, start, end, r -> tapped(producer, r, ingress, writes));
                }
            }
            awaitAll(writes);
            state = "done";
            LOG.info("tap {} backfilled from {} to {}: {} records read, {} written", tap.name(), from, to, read.get(),
                    written.get());
        } catch (RuntimeException e) {
            state = "failed";
            error = e.getMessage();
            LOG.warn("tap {}: backfill from {} to {} failed after {} records: {}", tap.name(), from, to, written.get(),
                    e.toString());
        } finally {
            endedAt = Instant.now();
        }
    }

    private void tapped(KafkaProducer<byte[], byte[]> producer, ConsumerRecord<byte[], byte[]> r, boolean ingress,
                        List<CompletableFuture<?>> writes) {
        read.incrementAndGet();
        if (r.timestamp() < from.toEpochMilli() || r.timestamp() >= to.toEpochMilli()) {
            return;
        }
        TapEvent event = ingress
                ? TapEvent.accepted(r.partition(), r.offset(), r.timestamp(), r.key(), r.headers(), r.value(), mapper)
                : TapEvent.ofEvent(r.partition(), r.offset(), r.key(), r.value(), mapper);
        if (event == null) {
            return;
        }
        for (TapRecords.Out out : records.of(event, List.of(tap))) {
            CompletableFuture<Void> write = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(tap.topic(), null, r.timestamp(), out.key(), out.value()), (meta, error) -> {
                if (error == null) {
                    written.incrementAndGet();
                    write.complete(null);
                } else {
                    write.completeExceptionally(error);
                }
            });
            writes.add(write);
        }
        if (writes.size() >= IN_FLIGHT) {
            awaitAll(writes);
        }
    }

    private static void awaitAll(List<CompletableFuture<?>> writes) {
        io.agentmesh.service.errors.KafkaFailures.awaitAll(writes, "write backfilled tap records");
        writes.clear();
    }
}
