package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.ChildProcess;
import io.agentmesh.tools.harness.InboxWatcher;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What resolving a {@code capability:} target costs as the registry grows: a fixed number of real
 * agents hold the capability while filler records bring the registry to each size. Fillers are
 * registry records written straight to the registry topic with status {@code deregistered} and
 * other capabilities, so 50,000 agents need no 50,000 inbox topics on this broker; the router
 * indexes them like any agent. Each step reports the open-loop latency at a fixed rate and the
 * mesh's CPU per message.
 */
final class RoutingScaleBench {

    private static final String CAPABILITY = "bench-route";

    private final BenchTarget target;
    private final ChildProcess mesh;
    private final int payloadBytes;
    private final String registryTopic;
    private int fillers;

    RoutingScaleBench(BenchTarget target, ChildProcess mesh, int payloadBytes, String topicPrefix) {
        this.target = target;
        this.mesh = mesh;
        this.payloadBytes = payloadBytes;
        this.registryTopic = topicPrefix + ".registry";
    }

    List<BenchResults.Routing> run(List<Integer> sizes, int matches, double rate, long millis) throws Exception {
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < matches; i++) {
            String id = "route-" + i;
            target.register(id, "bench", CAPABILITY);
            agents.add(id);
        }
        Arrivals arrivals = new Arrivals();
        List<BenchResults.Routing> out = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> registry = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
             InboxWatcher watcher = new InboxWatcher(target.bootstrapServers(), agents.stream().map(target::inbox).toList(),
                     false, arrivals)) {
            try {
                for (int size : sizes) {
                    growTo(registry, size - matches);
                    awaitRouterSees(size);
                    OpenLoop.run((seq, payload) -> target.sendGrpc("bench-router", "capability:" + CAPABILITY, payload),
                            rate, Math.min(millis, 3000), payloadBytes);
                    Thread.sleep(1000);
                    arrivals.reset();
                    double cpu = mesh.cpuSeconds();
                    OpenLoop.Result run = OpenLoop.run((seq, payload) -> target.sendGrpc("bench-router",
                            "capability:" + CAPABILITY, payload), rate, millis, payloadBytes);
                    arrivals.await(run.offered() - run.failed(), 60_000);
                    double used = mesh.cpuSeconds() - cpu;
                    var h = arrivals.histogram();
                    BenchResults.Routing step = new BenchResults.Routing(size, matches, rate, h.getTotalCount(),
                            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                            h.getTotalCount() == 0 ? 0 : used * 1e6 / h.getTotalCount());
                    out.add(step);
                }
            } finally {
                shrink(registry);
            }
        }
        return out;
    }

    private void growTo(KafkaProducer<byte[], byte[]> registry, int wanted) throws Exception {
        String now = Instant.now().toString();
        for (; fillers < wanted; fillers++) {
            String id = String.format("filler-%06d", fillers);
            String json = "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"namespace\":\"filler-" + (fillers % 50)
                    + "\",\"capabilities\":[\"filler-" + (fillers % 100) + "\"],\"endpoint\":null,"
                    + "\"status\":\"deregistered\",\"updated_at\":\"" + now + "\"}";
            registry.send(new ProducerRecord<>(registryTopic, id.getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8)));
        }
        registry.flush();
    }

    private void awaitRouterSees(int size) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            var r = target.http().get("/api/v1/routing/table");
            if (r.status() == 200 && r.json().path("total").asInt() >= size) {
                return;
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException("the router did not see " + size + " registry records within 5 minutes");
    }

    /** Tombstones for the fillers, so what runs next sees the registry as it was. */
    private void shrink(KafkaProducer<byte[], byte[]> registry) {
        for (int i = 0; i < fillers; i++) {
            registry.send(new ProducerRecord<>(registryTopic, String.format("filler-%06d", i).getBytes(StandardCharsets.UTF_8),
                    null));
        }
        registry.flush();
    }
}
