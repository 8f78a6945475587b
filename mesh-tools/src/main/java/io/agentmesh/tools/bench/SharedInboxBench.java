package io.agentmesh.tools.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A simulation of shared inbox partitions (docs/SCALING.md): many agents' messages in one topic
 * of a few partitions, keyed by agent id, read back once and handed to each agent's session by
 * key. The same records read without the hand-off are the raw floor; the difference is what
 * demultiplexing costs per message, and the session map's heap is what an agent costs a node in
 * place of a partition on every broker.
 */
final class SharedInboxBench {

    private final String bootstrapServers;
    private final int payloadBytes;

    SharedInboxBench(String bootstrapServers, int payloadBytes) {
        this.bootstrapServers = bootstrapServers;
        this.payloadBytes = payloadBytes;
    }

    BenchResults.SharedInbox run(int partitions, int agents, int messages) throws Exception {
        String topic = "bench.shared-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            try {
                double produced = produce(topic, agents, messages);
                // once before anything is measured: the JIT and the page cache then serve both reads alike
                read(topic, partitions, messages, null);
                Read raw = read(topic, partitions, messages, null);
                Map<String, Session> sessions = new HashMap<>();
                long heapBefore = usedHeapAfterGc();
                Read demux = read(topic, partitions, messages, sessions);
                long sessionHeap = usedHeapAfterGc() - heapBefore;
                int touched = sessions.size();
                sessions.clear();
                return new BenchResults.SharedInbox(partitions, agents, messages, touched, produced, raw.perSecond(),
                        raw.cpuMicrosPerMessage(), demux.perSecond(), demux.cpuMicrosPerMessage(),
                        touched == 0 ? 0 : (double) sessionHeap / touched);
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Messages to agents drawn at random from {@code agents}, keyed by the agent id; answers records/s. */
    private double produce(String topic, int agents, int messages) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        byte[] payload = Payloads.of(0, 0, payloadBytes);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024),
                // a simulation of the read side: an idempotent producer on a saturated machine got stuck on
                // OutOfOrderSequence after a timed-out first batch; a duplicate here changes nothing measured
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
            long start = System.nanoTime();
            for (int i = 0; i < messages && failed.get() == null; i++) {
                ProducerRecord<byte[], byte[]> shaped = RecordShape.of(topic, i, payload);
                String agent = String.format("agent-%07d", random.nextInt(agents));
                producer.send(new ProducerRecord<>(topic, null, null, agent.getBytes(StandardCharsets.UTF_8), shaped.value(),
                        shaped.headers()), (metadata, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
            if (failed.get() != null) {
                throw new IllegalStateException("shared inbox: a send failed", failed.get());
            }
            return messages / ((System.nanoTime() - start) / 1e9);
        }
    }

    private record Read(double perSecond, double cpuMicrosPerMessage) {
    }

    /** Reads every record once; with {@code sessions}, hands each to its agent's session by key. */
    private Read read(String topic, int partitions, int messages, Map<String, Session> sessions) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long read = 0;
            long deadline = System.currentTimeMillis() + 300_000;
            while (read < messages && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    if (sessions != null) {
                        String agent = new String(r.key(), StandardCharsets.UTF_8);
                        sessions.computeIfAbsent(agent, a -> new Session()).deliver(r.partition(), r.offset());
                    }
                }
            }
            if (read < messages) {
                throw new IllegalStateException("shared inbox: read " + read + " of " + messages + " in 5 minutes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Read(read / seconds, (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / read);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * What a node would keep per agent on a shared partition: where the agent's messages are and
     * how far it has been handed them (the ack ledger proper keeps acked ranges as well).
     */
    private static final class Session {
        private int partition = -1;
        private long lastDelivered = -1;
        private long delivered;

        void deliver(int p, long offset) {
            partition = p;
            lastDelivered = offset;
            delivered++;
        }
    }
}
