package io.agentmesh.tools.faults;

import io.agentmesh.tools.harness.Heartbeats;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.MeshHttp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code ./mesh faults --soak 30m}: one stack under a steady load (by default half of what the
 * stack itself takes, measured first) for a long time, with a fault every few minutes, the four
 * path agents receiving all along. Samples the node's heap after GC as it goes; at the end the
 * ledger is judged per minute (lost, duplicates, misrouted, send and delivery latency) and per
 * path over the whole soak.
 */
final class Soak {

    /** A fault the soak injects: what it is called and what it does (it brings the part back itself). */
    private record SoakFault(String name, String tag, Scenarios.Step step) {
    }

    /** When a fault started, in seconds since the load began; {@code tag}: its name on the chart. */
    record FaultMark(double atSeconds, String name, String tag) {
    }

    /** The node's heap after a full GC at a time, in seconds since the load began. */
    record HeapSample(double atSeconds, long bytes) {
    }

    record Result(double capacity, double rate, long loadSeconds, List<FaultMark> faults, List<HeapSample> heap,
                  List<Attempt> attempts, Map<DeliveryPath, CheckResult> paths, Ledger ledger, long loadStart, List<String> notes) {

        boolean passed() {
            return paths.entrySet().stream().allMatch(e -> e.getKey().holds(e.getValue()));
        }
    }

    private static final Duration PROBE = Duration.ofSeconds(15);
    private static final int PROBE_CLIENTS = 16;
    /** A full GC on the node each time: not too often, it shows in the latency. */
    private static final long HEAP_EVERY_MS = 60_000;

    private final Supplier<LocalStack.Settings> settings;
    private final Duration length;
    private final Duration faultEvery;
    private final double fixedRate;
    private final int senders;

    /** {@code rate} ≤ 0: half the measured capacity. */
    Soak(Supplier<LocalStack.Settings> settings, Duration length, Duration faultEvery, double rate, int senders) {
        this.settings = settings;
        this.length = length;
        this.faultEvery = faultEvery;
        this.fixedRate = rate;
        this.senders = senders;
    }

    Result run() throws Exception {
        Ledger ledger = new Ledger();
        List<String> notes = new ArrayList<>();
        List<FaultMark> marks = new ArrayList<>();
        List<HeapSample> heap = new ArrayList<>();
        List<String> targets = DeliveryPath.agentPaths().stream().map(DeliveryPath::agent).toList();
        try (LocalStack stack = new LocalStack(settings.get()).start()) {
            MeshHttp http = new MeshHttp(stack.restUrl(), Duration.ofSeconds(10));
            double capacity = fixedRate > 0 ? 0 : capacity(http, stack.bootstrapServers(), stack.topicPrefix() + ".agent.soak-probe");
            double rate = fixedRate > 0 ? fixedRate : capacity / 2;
            System.out.printf("soak: %s at %.0f msg/s%s, a fault every %s%n", length, rate,
                    capacity > 0 ? String.format(" (half of %.0f msg/s measured)", capacity) : "", faultEvery);
            List<PathAgent> agents = ScenarioRunner.registerAgents(stack, ledger, http);
            String prefix = stack.topicPrefix() + ".agent.";
            List<String> senderIds = new ArrayList<>();
            for (int i = 1; i <= senders; i++) {
                senderIds.add("s" + i);
            }
            List<SoakFault> faults = faults(stack);
            long loadStart;
            try (Heartbeats heartbeats = new Heartbeats(http, Duration.ofSeconds(10));
                 Verifier verifier = new Verifier(stack.bootstrapServers(), prefix, targets.stream().map(t -> prefix + t).toList(),
                         ledger)) {
                targets.forEach(heartbeats::add);
                agents.forEach(PathAgent::start);
                try {
                    loadStart = System.currentTimeMillis();
                    LoadGenerator load = new LoadGenerator(stack.restUrls(), senderIds, targets, rate / senders,
                            Duration.ofSeconds(15), ledger);
                    try {
                        long end = loadStart + length.toMillis();
                        long nextFault = loadStart + faultEvery.toMillis();
                        long nextHeap = loadStart;
                        int f = 0;
                        while (System.currentTimeMillis() < end) {
                            long now = System.currentTimeMillis();
                            if (now >= nextHeap) {
                                long bytes = heapAfterGc(http);
                                if (bytes > 0) {
                                    heap.add(new HeapSample((now - loadStart) / 1000.0, bytes));
                                }
                                nextHeap = now + HEAP_EVERY_MS;
                            }
                            if (now >= nextFault && end - now > faultEvery.toMillis() / 2) {
                                SoakFault fault = faults.get(f++ % faults.size());
                                marks.add(new FaultMark((now - loadStart) / 1000.0, fault.name(), fault.tag()));
                                System.out.printf("  %5.0f s: %s; %,d sent so far%n", (now - loadStart) / 1000.0, fault.name(),
                                        ledger.attempts().size());
                                fault.step().run();
                                nextFault = now + faultEvery.toMillis();
                            }
                            Thread.sleep(500);
                        }
                    } finally {
                        load.close();
                    }
                    long bytes = heapAfterGc(http);
                    if (bytes > 0) {
                        heap.add(new HeapSample((System.currentTimeMillis() - loadStart) / 1000.0, bytes));
                    }
                    ScenarioRunner.awaitQuiet(ledger, verifier, notes, Duration.ofSeconds(60), Duration.ofMinutes(15));
                } finally {
                    for (PathAgent a : agents) {
                        notes.add("agent " + a.summary());
                        a.close();
                    }
                }
            }
            return new Result(capacity, rate, length.toSeconds(), marks, heap, ledger.attempts(),
                    ScenarioRunner.checkPaths(ledger), ledger, loadStart, notes);
        }
    }

    /** The faults in the order the soak cycles through them; each brings its part back. */
    private static List<SoakFault> faults(LocalStack stack) {
        return List.of(
                new SoakFault("kill -9 of the mesh node, restarted", "mesh kill", () -> {
                    stack.killMesh();
                    Thread.sleep(1000);
                    stack.startMesh();
                }),
                new SoakFault("kill -9 of the broker, restarted after 5 s", "broker kill", () -> {
                    stack.kafka().kill();
                    Thread.sleep(5000);
                    stack.startKafka();
                }),
                new SoakFault("broker paused 10 s", "broker pause", () -> {
                    stack.kafka().pause();
                    Thread.sleep(10_000);
                    stack.kafka().resume();
                }),
                new SoakFault("Redis killed for 20 s", "Redis", () -> {
                    stack.redis().kill();
                    Thread.sleep(20_000);
                    stack.startRedis();
                }),
                new SoakFault("PostgreSQL stopped for 20 s", "PostgreSQL", () -> {
                    stack.postgres().stop();
                    Thread.sleep(20_000);
                    stack.postgres().start();
                }),
                new SoakFault("ZooKeeper killed for 20 s", "ZooKeeper", () -> {
                    stack.zookeeper().kill();
                    Thread.sleep(20_000);
                    stack.startZookeeper();
                }));
    }

    /**
     * What the stack takes and routes: {@value #PROBE_CLIENTS} clients, each with its own
     * connection, send one message per request as fast as they are answered for {@link #PROBE}
     * (after a warm-up of as long: a node just started is slow until its code is compiled); the
     * capacity is what was accepted divided by the time until the router had written the last of it
     * to the inbox (so a router that falls behind the front end lowers it).
     */
    private static double capacity(MeshHttp http, String bootstrapServers, String inbox) throws Exception {
        MeshHttp.Reply r = http.post("/api/v1/agents", "{\"id\":\"soak-probe\",\"name\":\"soak-probe\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("register soak-probe: " + r.status() + " " + r.body());
        }
        probe(http, PROBE, new java.util.concurrent.ConcurrentHashMap<>());
        long routedBefore = awaitRouted(bootstrapServers, inbox).end();
        java.util.Map<String, Long> answers = new java.util.concurrent.ConcurrentHashMap<>();
        long start = System.currentTimeMillis();
        long accepted = probe(http, PROBE, answers);
        double seconds = (awaitRouted(bootstrapServers, inbox).lastGrowthMillis() - start) / 1000.0;
        double capacity = accepted / Math.max(seconds, PROBE.toSeconds());
        System.out.printf("soak: the stack accepted %,d messages from %d closed-loop clients in %d s and routed them in"
                + " %.1f s: %.0f msg/s; answers %s%n", accepted, PROBE_CLIENTS, PROBE.toSeconds(), seconds, capacity, answers);
        if (capacity < 20 || routedBefore < 0) {
            throw new IllegalStateException("the stack took " + accepted + " messages in " + PROBE.toSeconds()
                    + " s: too few to soak at half of that (give --soak-rate); answers " + answers);
        }
        return capacity;
    }

    /** An inbox's end offset (summed over its partitions; -1: unknown) and when it last grew (epoch ms). */
    private record Routed(long end, long lastGrowthMillis) {
    }

    /** Waits until the inbox's end offset has not grown for 3 s (the router is through). */
    private static Routed awaitRouted(String bootstrapServers, String inbox) throws InterruptedException {
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                java.util.Map.of(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName(),
                        org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName()))) {
            List<org.apache.kafka.common.TopicPartition> parts = c.partitionsFor(inbox).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            long last = -1;
            long lastGrowth = System.currentTimeMillis();
            long deadline = System.currentTimeMillis() + 300_000;
            while (System.currentTimeMillis() - lastGrowth < 3000 && System.currentTimeMillis() < deadline) {
                long end = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                if (end != last) {
                    last = end;
                    lastGrowth = System.currentTimeMillis();
                }
                Thread.sleep(200);
            }
            return new Routed(last, lastGrowth);
        }
    }

    /** Sends for {@code length} from {@value #PROBE_CLIENTS} clients; answers how many were accepted, counts every answer. */
    private static long probe(MeshHttp http, Duration length, java.util.Map<String, Long> answers) throws InterruptedException {
        AtomicLong accepted = new AtomicLong();
        long end = System.currentTimeMillis() + length.toMillis();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < PROBE_CLIENTS; c++) {
            MeshHttp own = new MeshHttp(http.baseUrl(), Duration.ofSeconds(10));
            Thread t = new Thread(() -> {
                while (System.currentTimeMillis() < end) {
                    String answer;
                    try {
                        int status = own.post("/api/v1/messages", "{\"to\":\"agent:soak-probe\",\"payload\":{\"probe\":true}}")
                                .status();
                        answer = Integer.toString(status);
                        if (status == 202) {
                            accepted.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        answer = e.getClass().getSimpleName();
                    }
                    answers.merge(answer, 1L, Long::sum);
                }
            }, "soak-probe");
            clients.add(t);
            t.start();
        }
        for (Thread t : clients) {
            t.join();
        }
        return accepted.get();
    }

    private static long heapAfterGc(MeshHttp http) {
        try {
            MeshHttp.Reply gc = http.post("/api/v1/gc/run", "{}");
            return gc.status() == 200 ? gc.json().path("heap_used_after_bytes").asLong() : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
