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
            double capacity = fixedRate > 0 ? 0 : capacity(http);
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

    /** What the stack takes: {@value #PROBE_CLIENTS} clients sending one message per request as fast as they are answered. */
    private static double capacity(MeshHttp http) throws Exception {
        MeshHttp.Reply r = http.post("/api/v1/agents", "{\"id\":\"soak-probe\",\"name\":\"soak-probe\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("register soak-probe: " + r.status() + " " + r.body());
        }
        AtomicLong accepted = new AtomicLong();
        long end = System.currentTimeMillis() + PROBE.toMillis();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < PROBE_CLIENTS; c++) {
            Thread t = new Thread(() -> {
                while (System.currentTimeMillis() < end) {
                    try {
                        if (http.post("/api/v1/messages", "{\"to\":\"agent:soak-probe\",\"payload\":{\"probe\":true}}")
                                .status() == 202) {
                            accepted.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // counted as not accepted; the client goes on
                    }
                }
            }, "soak-probe");
            clients.add(t);
            t.start();
        }
        for (Thread t : clients) {
            t.join();
        }
        double capacity = accepted.get() / (double) PROBE.toSeconds();
        if (capacity < 20) {
            throw new IllegalStateException("the stack accepted " + accepted.get() + " messages in " + PROBE.toSeconds()
                    + " s: too few to soak at half of that (give --soak-rate)");
        }
        return capacity;
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
