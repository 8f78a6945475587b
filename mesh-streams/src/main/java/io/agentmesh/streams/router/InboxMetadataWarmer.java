package io.agentmesh.streams.router;

import io.agentmesh.streams.topics.MeshTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gets the router's producers ready to write to the inboxes of a fan-out before it writes to them
 * ({@link InboxPreparer}). A Kafka producer learns a topic's metadata on the first send to it and
 * blocks the sending thread meanwhile: for the router that is the stream thread, so a broadcast to
 * 100 agents it had not written to held up all routing for 100 metadata round trips, one after the
 * other (seconds on a busy machine). Here the inboxes not known yet are looked up on the router's
 * producers ({@code partitionsFor}, thread-safe) from a pool of its own, together, so the producer
 * asks for them in a few metadata requests; the stream thread waits for that, at most {@link #WAIT}.
 *
 * <p>Only fan-outs are prepared, and only when they happen. An earlier version looked up every
 * agent's inbox as soon as it registered: with one topic per agent that put every registered
 * agent's inbox into the producer's metadata, whose every update is rebuilt in full (a profile
 * at 4,000 registrations: the router producer's network thread was 27 % of the node's samples, in
 * {@code MetadataSnapshot.mergeWith}), so registrations slowed as the registry grew. A direct
 * message's first send still waits for its one lookup, as any Kafka producer's does.
 */
public final class InboxMetadataWarmer implements InboxPreparer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboxMetadataWarmer.class);
    /** Lookups in flight at once: the producer asks for all of them in its next metadata request. */
    private static final int THREADS = 16;
    private static final int QUEUE = 10_000;
    static final Duration WAIT = Duration.ofSeconds(2);
    /**
     * How long a looked-up inbox counts as known: the router's producers keep a topic's metadata for
     * at least 5 idle minutes, so within that a lookup would be answered from memory anyway.
     */
    private static final Duration KNOWN_FOR = Duration.ofMinutes(5);
    /** How long an inbox whose lookup failed (gone, or Kafka away) is not looked up ahead again. */
    private static final Duration FAILED_FOR = Duration.ofMinutes(1);

    private final MeshTopics topics;
    private final Map<Producer<byte[], byte[]>, Map<String, Lookup>> producers = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;
    private final AtomicLong warmed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public InboxMetadataWarmer(MeshTopics topics) {
        this.topics = topics;
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "inbox-metadata-warmer");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /** The client supplier to give the router's KafkaStreams, so the warmer knows its producers. */
    public KafkaClientSupplier clientSupplier() {
        return new KafkaClientSupplier() {
            @Override
            public Admin getAdmin(Map<String, Object> config) {
                return Admin.create(config);
            }

            @Override
            public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
                return new TrackedProducer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
                return consumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
                return consumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
                return consumer(config);
            }
        };
    }

    private static Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void prepare(List<String> agentIds) {
        List<Future<?>> lookups = new ArrayList<>();
        long now = System.nanoTime();
        for (Map.Entry<Producer<byte[], byte[]>, Map<String, Lookup>> p : producers.entrySet()) {
            Producer<byte[], byte[]> producer = p.getKey();
            Map<String, Lookup> known = p.getValue();
            for (String agentId : agentIds) {
                String topic = topics.inbox(agentId);
                Lookup last = known.get(topic);
                // known lately, or a lookup of it still running (one that outlived an earlier wait: not waited on again)
                if (last != null && (last.running || now < last.nextLookupNanos)) {
                    continue;
                }
                Lookup lookup = new Lookup();
                known.put(topic, lookup);
                try {
                    lookups.add(pool.submit(() -> {
                        try {
                            producer.partitionsFor(topic);
                            lookup.nextLookupNanos = System.nanoTime() + KNOWN_FOR.toNanos();
                            warmed.incrementAndGet();
                        } catch (RuntimeException e) {
                            // a closed producer or a topic that is gone: the send will find out for itself
                            lookup.nextLookupNanos = System.nanoTime() + FAILED_FOR.toNanos();
                            LOG.debug("could not look up {} ahead of a fan-out", topic, e);
                        } finally {
                            lookup.running = false;
                        }
                    }));
                } catch (RejectedExecutionException e) {
                    known.remove(topic);
                    skipped.incrementAndGet();
                }
            }
        }
        long deadline = now + WAIT.toNanos();
        for (Future<?> lookup : lookups) {
            try {
                lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // the sends wait for what is left, as they would have anyway
                return;
            } catch (ExecutionException e) {
                // logged above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One inbox on one producer: looked up until when it counts as known, or still being looked up. */
    private static final class Lookup {
        volatile boolean running = true;
        volatile long nextLookupNanos;
    }

    /** Inbox lookups done so far (one per inbox and producer). */
    public long warmed() {
        return warmed.get();
    }

    /** The router's producers it knows of (each is forgotten when it closes). */
    public int trackedProducers() {
        return producers.size();
    }

    /** Lookups left out because the queue was full (the sends then wait for them as before). */
    public long skipped() {
        return skipped.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** The producer Kafka Streams would make, remembered while it is open. */
    private final class TrackedProducer extends KafkaProducer<byte[], byte[]> {

        TrackedProducer(Map<String, Object> config) {
            super(config, new ByteArraySerializer(), new ByteArraySerializer());
            producers.put(this, new ConcurrentHashMap<>());
        }

        @Override
        public void close(Duration timeout) {
            producers.remove(this);
            super.close(timeout);
        }
    }
}
