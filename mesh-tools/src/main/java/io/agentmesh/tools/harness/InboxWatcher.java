package io.agentmesh.tools.harness;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads topics as an agent reading its inbox straight from Kafka does ({@code read_committed}, no
 * group), on its own thread, handing every record to a callback with the time it arrived. Starts
 * at the current end of each partition, or at the beginning.
 */
public final class InboxWatcher implements AutoCloseable {

    /** Called on the watcher's thread for every record, with System.nanoTime() when it was polled. */
    public interface Arrivals {
        void arrived(ConsumerRecord<byte[], byte[]> record, long nanos);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public InboxWatcher(String bootstrapServers, Collection<String> topics, boolean fromBeginning, Arrivals arrivals) {
        this(bootstrapServers, Map.of(), topics, fromBeginning, arrivals);
    }

    /** {@code login}: client settings of a secured broker (security.protocol, sasl.*, ssl.*). */
    public InboxWatcher(String bootstrapServers, Map<String, Object> login, Collection<String> topics, boolean fromBeginning,
                        Arrivals arrivals) {
        Map<String, Object> settings = new java.util.HashMap<>(login);
        settings.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        consumer = new KafkaConsumer<>(settings);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position);
        thread = new Thread(() -> run(arrivals), "inbox-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Arrivals arrivals) {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    arrivals.arrived(r, now);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The error that stopped the watcher, if one did. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
