package io.agentmesh.streams.router;

import io.agentmesh.streams.registry.RegistryEntry;
import io.agentmesh.streams.registry.RegistryListener;
import io.agentmesh.streams.topics.AgentIds;
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
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gets the router's producers ready to write to an agent's inbox before the first message goes
 * there. A Kafka producer learns a topic's metadata on the first send to it and blocks the
 * sending thread meanwhile: for the router that is the stream thread, so the first message to a
 * fresh agent held up all routing for a metadata round trip, and a broadcast to 100 new agents for
 * 100 of them (seconds on a busy machine). Here a registered agent's inbox is looked up on the
 * router's producers ({@code partitionsFor}, thread-safe) from a small pool of its own, as soon as
 * the registry record arrives and again for every agent when the router starts running.
 * Best effort: when the queue is full a topic is skipped and the send fetches it as before.
 */
public final class InboxMetadataWarmer implements RegistryListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboxMetadataWarmer.class);
    private static final int THREADS = 4;
    private static final int QUEUE = 50_000;

    private final MeshTopics topics;
    private final Set<Producer<byte[], byte[]>> producers = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor pool;
    private final AtomicLong warmed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public InboxMetadataWarmer(MeshTopics topics) {
        this.topics = topics;
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "inbox-metadata-warmer");
            t.setDaemon(true);
            return t;
        }, (task, executor) -> skipped.incrementAndGet());
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
    public void onUpsert(RegistryEntry entry) {
        if (!entry.deregistered() && AgentIds.isValid(entry.id())) {
            warm(entry.id());
        }
    }

    /** Warms the inboxes of every registered (not deregistered) agent given: any of them may get direct messages. */
    public void warmAll(Collection<RegistryEntry> entries) {
        entries.forEach(this::onUpsert);
    }

    private void warm(String agentId) {
        String topic = topics.inbox(agentId);
        for (Producer<byte[], byte[]> producer : producers) {
            pool.execute(() -> {
                try {
                    producer.partitionsFor(topic);
                    warmed.incrementAndGet();
                } catch (RuntimeException e) {
                    // a closed producer or a topic that is gone: the send will find out for itself
                    LOG.debug("could not look up {} ahead of the first send", topic, e);
                }
            });
        }
    }

    /** Inbox lookups done so far (one per agent and producer). */
    public long warmed() {
        return warmed.get();
    }

    /** Lookups left out because the queue was full. */
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
            producers.add(this);
        }

        @Override
        public void close(Duration timeout) {
            producers.remove(this);
            super.close(timeout);
        }
    }
}
