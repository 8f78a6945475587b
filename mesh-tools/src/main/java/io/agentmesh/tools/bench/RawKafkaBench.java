package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.InboxWatcher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The floor under every mesh figure, on the same broker in the same run: records of the mesh's
 * shape (keyed, CloudEvents headers; see {@link RecordShape}) produced with acks=all (the mesh's
 * producer settings) to a 6-partition topic and consumed read_committed.
 */
public final class RawKafkaBench {

    private final String bootstrapServers;
    private final int payloadBytes;
    private final Map<String, Object> producerLogin;
    private final Map<String, Object> consumerLogin;

    public RawKafkaBench(String bootstrapServers, int payloadBytes) {
        this(bootstrapServers, payloadBytes, Map.of(), Map.of());
    }

    /**
     * On a secured broker: {@code producerLogin} (who produces and creates topics, e.g. the mesh) and
     * {@code consumerLogin} (who reads, e.g. an agent): security.protocol, sasl.*, ssl.* settings.
     */
    public RawKafkaBench(String bootstrapServers, int payloadBytes, Map<String, Object> producerLogin,
                         Map<String, Object> consumerLogin) {
        this.bootstrapServers = bootstrapServers;
        this.payloadBytes = payloadBytes;
        this.producerLogin = producerLogin;
        this.consumerLogin = consumerLogin;
    }

    /** Throughput under a label of its own (the security part names the listener). */
    public BenchResults.Throughput throughput(String label, int messages) throws Exception {
        BenchResults.Throughput t = throughput(messages);
        return new BenchResults.Throughput(label, t.messages(), t.acceptedPerSecond(), t.deliveredPerSecond());
    }

    public BenchResults.Throughput throughput(int messages) throws Exception {
        String topic = newTopic();
        return throughput("raw Kafka (producer)", messages, topic, topic);
    }

    /** {@code messages} produced to {@code in} as fast as the producer takes them, counted as they arrive on {@code out}. */
    BenchResults.Throughput throughput(String label, int messages, String in, String out) throws Exception {
        Arrivals arrivals = new Arrivals();
        try (InboxWatcher watcher = new InboxWatcher(bootstrapServers, consumerLogin, List.of(out), false, arrivals);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            Semaphore inFlight = new Semaphore(10_000);
            long start = System.nanoTime();
            CompletableFuture<?>[] acks = new CompletableFuture[messages];
            for (int i = 0; i < messages; i++) {
                inFlight.acquire();
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(RecordShape.of(in, i, Payloads.of(System.nanoTime(), i, payloadBytes)), (md, e) -> {
                    inFlight.release();
                    if (e == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(e);
                    }
                });
                acks[i] = ack;
            }
            CompletableFuture.allOf(acks).join();
            double accepted = messages / ((System.nanoTime() - start) / 1e9);
            if (!arrivals.await(messages, 120_000)) {
                throw new IllegalStateException(label + ": only " + arrivals.count() + " of " + messages + " consumed");
            }
            double delivered = messages / ((arrivals.lastNanos() - start) / 1e9);
            return new BenchResults.Throughput(label, messages, accepted, delivered);
        }
    }

    public BenchResults.Latency latency(double rate, long durationMillis) throws Exception {
        String topic = newTopic();
        return latency("raw Kafka", "-", rate, durationMillis, topic, topic);
    }

    /** Open-loop sends to {@code in} at {@code rate}; latency to arrival on {@code out}. */
    BenchResults.Latency latency(String label, String guarantee, double rate, long durationMillis, String in, String out)
            throws Exception {
        Arrivals arrivals = new Arrivals();
        try (InboxWatcher watcher = new InboxWatcher(bootstrapServers, consumerLogin, List.of(out), false, arrivals);
             KafkaProducer<byte[], byte[]> producer = producer()) {
            OpenLoop.Result run = OpenLoop.run((seq, payload) -> {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(RecordShape.of(in, seq, payload), (md, e) -> {
                    if (e == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(e);
                    }
                });
                return ack;
            }, rate, durationMillis, payloadBytes);
            arrivals.await(run.offered() - run.failed(), 60_000);
            return BenchResults.Latency.of(label, guarantee, rate, run, arrivals.histogram());
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> settings = new java.util.HashMap<>(producerLogin);
        settings.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "1",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        return new KafkaProducer<>(settings);
    }

    String newTopic() throws Exception {
        String topic = "bench.raw-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> settings = new java.util.HashMap<>(producerLogin);
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(settings)) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        return topic;
    }
}
