package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.KeepAliveProbe;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.MeshHttp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registers agents up to each size (100, 1,000, 10,000: every registration also creates the
 * agent's inbox topic), then measures discovery latency and what the broker and the mesh hold in
 * memory. Memory is measured only on a stack this run started (the processes are ours to inspect).
 */
public final class RegistryBench {

    private static final int GROUPS = 100;
    private static final int TOPIC_FLOOR = 1024;

    private final BenchTarget target;
    private final LocalStack stack;
    private final int clients;
    private int registered;
    private int floors;

    public RegistryBench(BenchTarget target, LocalStack stack, int clients) {
        this.target = target;
        this.stack = stack;
        this.clients = clients;
    }

    public BenchResults.RegistryStep growTo(int size, int discoveries, int warmUp) throws Exception {
        int from = registered;
        AtomicInteger next = new AtomicInteger(from);
        double meshCpu = stack == null ? 0 : stack.mesh().cpuSeconds();
        double brokerCpu = stack == null ? 0 : stack.kafka().cpuSeconds();
        long start = System.nanoTime();
        onClients(clients, () -> {
            for (int i = next.getAndIncrement(); i < size; i = next.getAndIncrement()) {
                target.register(String.format("reg-%06d", i), "scale", "scale", "c" + (i % GROUPS));
            }
        });
        double rate = (size - from) / ((System.nanoTime() - start) / 1e9);
        double meshMs = stack == null ? 0 : (stack.mesh().cpuSeconds() - meshCpu) * 1000 / (size - from);
        double brokerMs = stack == null ? 0 : (stack.kafka().cpuSeconds() - brokerCpu) * 1000 / (size - from);
        registered = size;

        MeshHttp http = target.http();
        Histogram micros = new Histogram(60_000_000L, 3);
        Histogram refused = new Histogram(60_000_000L, 3);
        KeepAliveProbe.Reply last = null;
        try (KeepAliveProbe probe = new KeepAliveProbe(http.baseUrl())) {
            for (int i = 0; i < discoveries + warmUp; i++) {
                long t0 = System.nanoTime();
                KeepAliveProbe.Reply r = probe.get("/api/v1/discover?capability=c" + (i % GROUPS));
                long took = (System.nanoTime() - t0) / 1000;
                if (r.status() != 200) {
                    throw new IllegalStateException("discover: " + r.status() + " " + r.text());
                }
                // the same request refused by validation (400, no registry), alternating: the floor at this moment
                long t1 = System.nanoTime();
                KeepAliveProbe.Reply bad = probe.get("/api/v1/discover?capability=C" + (i % GROUPS));
                long badTook = (System.nanoTime() - t1) / 1000;
                if (bad.status() != 400) {
                    throw new IllegalStateException("refused discover: " + bad.status() + " " + bad.text());
                }
                if (i >= warmUp) {
                    micros.recordValue(took);
                    refused.recordValue(badTook);
                    last = r;
                }
            }
        }
        int matches = last == null ? 0 : MeshHttp.mapper().readTree(last.body()).path("agents").size();
        long heap = 0;
        long meshRss = 0;
        long brokerRss = 0;
        long disk = 0;
        long files = 0;
        long maps = 0;
        if (stack != null) {
            files = stack.kafka().openFiles();
            maps = stack.kafka().memoryMaps();
            heap = http.post("/api/v1/gc/run", "{}").json().path("heap_used_after_bytes").asLong();
            meshRss = stack.mesh().rssBytes();
            brokerRss = stack.kafka().rssBytes();
            disk = diskUsage(stack.dir().resolve("kafka"));
        }
        return new BenchResults.RegistryStep(size, rate, meshMs, brokerMs, micros.getValueAtPercentile(50) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0, matches, refused.getValueAtPercentile(50) / 1000.0,
                refused.getValueAtPercentile(99) / 1000.0, brokerRss, heap, meshRss, disk, files, maps);
    }

    /**
     * {@code count} more agents registered through the batch call, {@code batchSize} per call from
     * {@code clients} clients, after {@code warmUp} registered the same way and not counted (the
     * batch path's code is compiled by then, as every other part's is before it is measured).
     */
    public BenchResults.RegistryBatch growInBatches(int count, int batchSize, int clients, int warmUp) throws Exception {
        inBatches(warmUp, batchSize, clients);
        int from = registered;
        double meshCpu = stack == null ? 0 : stack.mesh().cpuSeconds();
        double brokerCpu = stack == null ? 0 : stack.kafka().cpuSeconds();
        long start = System.nanoTime();
        inBatches(count, batchSize, clients);
        double rate = count / ((System.nanoTime() - start) / 1e9);
        double meshMs = stack == null ? 0 : (stack.mesh().cpuSeconds() - meshCpu) * 1000 / count;
        double brokerMs = stack == null ? 0 : (stack.kafka().cpuSeconds() - brokerCpu) * 1000 / count;
        return new BenchResults.RegistryBatch(count, batchSize, clients, rate, meshMs, brokerMs, warmUp, from);
    }

    private void inBatches(int count, int batchSize, int clients) throws Exception {
        int from = registered;
        int to = from + count;
        AtomicInteger next = new AtomicInteger(from);
        onClients(clients, () -> {
            for (int first = next.getAndAdd(batchSize); first < to; first = next.getAndAdd(batchSize)) {
                List<String> ids = new ArrayList<>();
                for (int i = first; i < Math.min(to, first + batchSize); i++) {
                    ids.add(String.format("reg-%06d", i));
                }
                target.registerBatch(ids, "scale", "c" + (first / batchSize % GROUPS));
            }
        });
        registered = to;
    }

    /**
     * The broker creating 1,024 bare topics of one partition (an inbox's shape), 64 per CreateTopics
     * request, one request at a time (as the mesh batches concurrent registrations): the floor of a
     * registration at the registry's last size. Run after the last step's readings (the topics are
     * deleted again, and Kafka removes their files a minute later).
     */
    public double bareTopicsPerSecond() throws Exception {
        return bareTopicsPerSecond(TOPIC_FLOOR);
    }

    private double bareTopicsPerSecond(int count) throws Exception {
        List<String> names = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers()))) {
            long start = System.nanoTime();
            for (int first = 0; first < count; first += 64) {
                List<NewTopic> batch = new ArrayList<>();
                for (int i = first; i < Math.min(count, first + 64); i++) {
                    String name = "bench-bare-" + floors + "-" + i;
                    names.add(name);
                    batch.add(new NewTopic(name, 1, (short) 1));
                }
                admin.createTopics(batch).all().get(120, TimeUnit.SECONDS);
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            admin.deleteTopics(names).all().get(120, TimeUnit.SECONDS);
            floors++;
            return rate;
        }
    }

    /** A piece of work that may fail, run by each of the clients. */
    private interface ClientWork {
        void run() throws Exception;
    }

    /** Runs {@code work} on {@code clients} threads at once and waits for all of them (the first failure is thrown). */
    private static void onClients(int clients, ClientWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    work.run();
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bytes the directory takes on disk (du), which for Kafka's sparse index files is less than their size. */
    private static long diskUsage(java.nio.file.Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-sk", dir.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out.isEmpty() ? 0 : Long.parseLong(out.split("\\s+")[0]) * 1024;
    }

}
