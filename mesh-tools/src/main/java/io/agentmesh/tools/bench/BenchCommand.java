package io.agentmesh.tools.bench;

import io.agentmesh.service.cli.OneLineUsageErrors;
import io.agentmesh.embedded.Quiet;
import io.agentmesh.tools.harness.LocalStack;
import io.agentmesh.tools.harness.WorkDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ./mesh bench}: raw Kafka and the mesh measured on the same broker in one run; figures
 * printed as they come and written to docs/BENCHMARKS.md with a latency chart.
 */
@Command(name = "mesh bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures raw Kafka and the mesh on the same broker in one run and writes docs/BENCHMARKS.md.",
                "By default it starts its own stack (broker, ZooKeeper and a mesh node as child processes,"
                        + " a throwaway PostgreSQL database, Redis database 4); --url/--grpc/--bootstrap measure a running mesh."})
public final class BenchCommand implements Callable<Integer> {

    private static final String GUARANTEE = "streams.guarantee";

    @Option(names = "--parts", split = ",", description = "Which parts to run: raw, floors, throughput, wrk, latency, delivery, "
            + "fanout, registry, shared, parked, routing, coldstart, auth, security, taps (default: these), and connect-heap "
            + "(only when named).")
    Set<String> parts = Set.of("raw", "floors", "throughput", "wrk", "latency", "delivery", "fanout", "registry", "shared", "parked",
            "routing", "coldstart", "auth", "security", "taps");

    @Option(names = "--commit-interval", description = "The commit interval of the forwarder floors; keep it equal to the "
            + "router's commit.interval.ms (default 20, as config.yml). It does not change the mesh.")
    long commitIntervalMs = 20;

    @Option(names = "--compare", paramLabel = "KEY=VALUE[;KEY=VALUE]",
            description = "Runs the compare part once per occurrence: the bench's node restarted with these settings "
                    + "(Dropwizard keys, e.g. streams.properties.producer\\.linger\\.ms=100), then gRPC single sends (unary and on "
                    + "a SendStream), SendBatch and latency at each of --rates, so settings are compared within one run. Own stack only.")
    List<String> compare = List.of();

    @Option(names = "--linger", description = "The forwarder floors' producer linger.ms; keep it equal to the router's "
            + "(default 5, as the mesh sets it). It does not change the mesh.")
    long lingerMs = 5;

    @Option(names = "--connect-messages", description = "Messages through one Connect stream in the connect-heap part "
            + "(default 1,000,000; --quick 100,000)")
    Long connectMessages;

    @Option(names = "--parked", description = "Messages parked for an absent capability in the parked part (default 20000; --quick 2000).")
    Integer parkedMessages;

    @Option(names = "--routing-sizes", split = ",", description = "Registry sizes for the routing part (default 100,10000,50000;"
            + " --quick 100,2000).")
    List<Integer> routingSizes;

    @Option(names = "--quick", description = "Small sizes and short runs: a smoke test of the harness, not figures to quote.")
    boolean quick;

    @Option(names = "--messages", description = "Messages per throughput run (default 100000; --quick 10000).")
    Integer messages;

    @Option(names = "--rates", split = ",", description = "Offered rates for the latency runs, msg/s (default 100,1000,5000).")
    List<Double> rates = List.of(100.0, 1000.0, 5000.0);

    @Option(names = "--duration", description = "Seconds per latency point (default 20; --quick 4).")
    Integer duration;

    @Option(names = "--registry-sizes", split = ",", description = "Agent counts for the registry part (default 100,1000,10000;"
            + " each agent is an inbox topic, and the broker holds about one open file per topic: mind its nofile limit).")
    List<Integer> registrySizes;

    @Option(names = "--registry-clients", description = "Concurrent registering clients (default 64).")
    int registryClients = 64;

    @Option(names = "--fanout", description = "Agents in the fan-out namespace (default 100).")
    int fanoutAgents = 100;

    @Option(names = "--at-least-once", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure latency with the router at at-least-once (restarts the mesh node; own stack only).")
    boolean atLeastOnce;

    @Option(names = "--payload-bytes", description = "Message size (default 1024).")
    int payloadBytes = 1024;

    @Option(names = "--out", description = "Where BENCHMARKS.md and the chart go (default docs).")
    Path out = Path.of("docs");

    @Option(names = "--config", description = "The mesh configuration for its own stack (default config.yml).")
    Path config = Path.of("config.yml");

    @Option(names = "--url", description = "REST URL of a running mesh to measure instead of starting one.")
    String url;

    @Option(names = "--grpc", description = "host:port of that mesh's gRPC endpoint.")
    String grpc;

    @Option(names = "--bootstrap", description = "Its Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--redis-database", description = "Redis database the own stack uses (flushed first; default 4).")
    int redisDatabase = 4;

    public static void main(String[] args) {
        Quiet.logs();
        System.exit(OneLineUsageErrors.on(new CommandLine(new BenchCommand())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int n = messages != null ? messages : quick ? 10_000 : 100_000;
        long millis = (duration != null ? duration : quick ? 4 : 20) * 1000L;
        List<Integer> sizes = registrySizes != null ? registrySizes : quick ? List.of(100, 500) : List.of(100, 1000, 10_000);
        validate(n, millis, sizes);
        if (url == null && !Files.isRegularFile(config)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--config: no file " + config);
        }
        boolean own = url == null;
        if (!own && (grpc == null || bootstrap == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--url needs --grpc and --bootstrap too");
        }
        WorkDir work = WorkDir.create("mesh-bench-");
        Path dir = work.path();
        BenchResults results = new BenchResults();
        LocalStack stack = null;
        boolean ok = false;
        try {
            String bootstrapServers;
            String restUrl;
            String grpcHost;
            int grpcPort;
            if (own) {
                results.mappedPageFirstWriteMs = MappedPageProbe.firstWriteMillis(dir, 200);
                System.out.printf("The bench's directory: a first write to a fresh page of a memory-mapped sparse file takes"
                        + " %.2f ms%n", results.mappedPageFirstWriteMs);
                System.out.println("Starting a broker, ZooKeeper and a mesh node under " + dir + " ...");
                stack = new LocalStack(new LocalStack.Settings(System.getProperty("java.class.path"), dir,
                        config.toAbsolutePath(), "jdbc:postgresql://127.0.0.1:5432/", "postgres", "127.0.0.1", 6379,
                        redisDatabase, "1g", Map.of(), false)).start();
                bootstrapServers = stack.bootstrapServers();
                restUrl = stack.restUrl();
                grpcHost = "127.0.0.1";
                grpcPort = stack.grpcPort();
            } else {
                bootstrapServers = bootstrap;
                restUrl = url;
                grpcHost = grpc.substring(0, grpc.lastIndexOf(':'));
                grpcPort = Integer.parseInt(grpc.substring(grpc.lastIndexOf(':') + 1));
            }
            run(results, stack, dir, bootstrapServers, restUrl, grpcHost, grpcPort, n, millis, sizes);
            ok = true;
        } finally {
            if (stack != null) {
                stack.close();
            }
            work.finish(ok);
        }
        String settings = String.format("- %d-byte messages; throughput runs of %,d messages; latency points of %d s at %s msg/s;"
                        + " router `streams.guarantee` exactly_once (commit.interval.ms 20) unless marked at_least_once;"
                        + " mesh node %s; config `%s`.", payloadBytes, n, millis / 1000, rates,
                own ? "started by the bench (server, -Xmx1g, broker and ZooKeeper as their own processes)" : "at " + url, config);
        String command = "./mesh bench" + (quick ? " --quick" : "") + " --parts " + String.join(",", new java.util.TreeSet<>(parts));
        if (!results.connectHeap.isEmpty()) {
            BenchReport.writeConnectHeap(out, results.connectHeap, String.format("- %d-byte messages; mesh node %s.",
                    payloadBytes, own ? "started by the bench (server, -Xmx1g, broker and ZooKeeper as their own processes)"
                            : "at " + url), command);
            System.out.println("Wrote " + out.resolve("CONNECT-HEAP.md"));
        }
        if (parts.equals(Set.of("connect-heap"))) {
            return 0;
        }
        BenchReport.write(out, results, settings, "./mesh bench" + (quick ? " --quick" : ""));
        System.out.println("Wrote " + out.resolve("BENCHMARKS.md") + " and " + out.resolve("benchmarks-latency.png"));
        return 0;
    }

    private void validate(int n, long millis, List<Integer> sizes) {
        CommandLine cl = new CommandLine(this);
        Set<String> known = Set.of("raw", "floors", "throughput", "wrk", "latency", "delivery", "fanout", "registry", "shared", "parked",
                "routing", "coldstart", "auth", "security", "connect-heap", "taps");
        if (!known.containsAll(parts)) {
            throw new CommandLine.ParameterException(cl, "--parts: one or more of " + known);
        }
        if (n < 1 || millis < 1000 || payloadBytes < 64 || payloadBytes > 900_000 || fanoutAgents < 1 || registryClients < 1) {
            throw new CommandLine.ParameterException(cl,
                    "--messages, --fanout, --registry-clients must be positive, --duration at least 1, --payload-bytes 64..900000");
        }
        if (rates.stream().anyMatch(r -> r == null || r <= 0 || r > 1_000_000)) {
            throw new CommandLine.ParameterException(cl, "--rates: each between 1 and 1000000 msg/s");
        }
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i) < 1 || (i > 0 && sizes.get(i) <= sizes.get(i - 1))) {
                throw new CommandLine.ParameterException(cl, "--registry-sizes: positive and rising, e.g. 100,1000,10000");
            }
        }
    }

    private void run(BenchResults results, LocalStack stack, Path dir, String bootstrapServers, String restUrl, String grpcHost,
                     int grpcPort, int n, long millis, List<Integer> sizes) throws Exception {
        RawKafkaBench raw = new RawKafkaBench(bootstrapServers, payloadBytes);
        CpuMeter meter = meter(stack);
        FloorBench floors = new FloorBench(raw, bootstrapServers, System.getProperty("java.class.path"), dir, commitIntervalMs,
                lingerMs);
        try (BenchTarget target = new BenchTarget(bootstrapServers, restUrl, grpcHost, grpcPort, "mesh")) {
            if (parts.contains("raw")) {
                System.out.println("Raw Kafka (after a warm-up of " + Math.min(n, 20_000) + "):");
                raw.throughput(Math.min(n, 20_000));
                measured(results, meter, () -> raw.throughput(n));
            }
            if (parts.contains("floors")) {
                for (String guarantee : List.of(FloorBench.AT_LEAST_ONCE, FloorBench.EXACTLY_ONCE)) {
                    System.out.println("Kafka forwarder, " + guarantee + " (commit every " + commitIntervalMs + " ms):");
                    try (FloorBench.Hop hop = floors.start(guarantee, Math.min(n, 20_000))) {
                        measured(results, meter.plus("forwarder", hop::cpuSeconds), () -> hop.throughput(n));
                        if (parts.contains("latency")) {
                            for (double rate : rates) {
                                measuredLatency(results, meter.plus("forwarder", hop::cpuSeconds), () -> hop.latency(rate, millis));
                            }
                        }
                    }
                }
            }
            if (parts.contains("throughput")) {
                System.out.println("Mesh throughput:");
                try (MeshBench mesh = new MeshBench(target, payloadBytes)) {
                    // as warm as raw Kafka's client is: every path measured below compiled by the JIT
                    // first (a fresh node's compiler threads would otherwise count in its CPU per message)
                    if (!quick) {
                        warmUp(mesh, millis);
                    }
                    mesh.grpcStream(quick ? 2000 : 20_000, 1024);
                    mesh.batch(quick ? 2000 : 20_000, 500, 4);
                    mesh.grpcBatch(quick ? 2000 : 20_000, 500, 4);
                    mesh.rest(quick ? 500 : 4000, 16);
                    measured(results, meter, () -> mesh.grpc(n, 1024));
                    if (H2loadRunner.available()) {
                        // the same unary sends from a native client (the JVM's gRPC client costs the machine
                        // as much CPU per call as the node's side of it): warmed up first, then measured
                        H2loadRunner h2load = new H2loadRunner(dir);
                        mesh.h2load(h2load, quick ? 2000 : 20_000, 1024);
                        CpuMeter.Reading at = meter.start();
                        MeshBench.NativeRun run = mesh.h2load(h2load, n, 1024);
                        if (run.lost() == 0) {
                            results.add(run.throughput());
                            results.add(at.stop(run.throughput().path(), run.throughput().messages())
                                    .with("h2load", run.clientCpuSeconds()));
                        } else {
                            // not a figure: the rate of what got through would flatter the path
                            results.note(String.format(java.util.Locale.ROOT, "%s: %,d of %,d calls' messages did not arrive"
                                    + " (failed, or refused by the mesh with a gRPC error); the row and its target were left out",
                                    run.throughput().path(), run.lost(), run.calls()));
                        }
                    } else {
                        results.note("h2load is not installed (Debian package nghttp2-client): the native gRPC client's row was skipped");
                    }
                    measured(results, meter, () -> mesh.grpcStream(n, 1024));
                    measured(results, meter, () -> mesh.rest(n / 2, 16));
                    measured(results, meter, () -> mesh.batch(n * 2, 500, 4));
                    measured(results, meter, () -> mesh.grpcBatch(n * 2, 500, 4));
                }
            }
            if (parts.contains("wrk")) {
                if (!WrkRunner.available()) {
                    results.note("wrk is not installed (Debian package wrk): the native REST load generator part was skipped");
                } else {
                    int seconds = (int) Math.max(3, millis / 1000);
                    System.out.println("REST with wrk (16 keep-alive connections, " + seconds + " s each):");
                    try (MeshBench mesh = new MeshBench(target, payloadBytes)) {
                        new WrkRunner(dir).post(restUrl + "/api/v1/messages", List.of(BenchTarget.restBody("bench-sender",
                                "agent:bench-r0", Payloads.of(0, 0, payloadBytes))), 202, 16, 2);
                        CpuMeter.Reading at = meter.start();
                        BenchResults.Wrk send = mesh.wrkSends(new WrkRunner(dir), 16, seconds);
                        results.add(send);
                        results.add(at.stop("mesh REST (wrk, 16 connections)", send.requests() - send.failed())
                                .with("wrk", send.wrkCpuSeconds()));
                        results.add(mesh.wrkRefused(new WrkRunner(dir), 16, seconds));
                    }
                }
            }
            if (parts.contains("latency")) {
                System.out.println("Latency (open loop):");
                for (double rate : rates) {
                    measuredLatency(results, meter, () -> raw.latency(rate, millis));
                }
                meshLatency(results, meter, target, "exactly_once", millis);
                if (atLeastOnce && stack != null) {
                    System.out.println("Restarting the mesh node with the router at at_least_once ...");
                    stack.restartMesh(Map.of(GUARANTEE, "at_least_once"));
                    meshLatency(results, meter, target, "at_least_once", millis);
                    stack.restartMesh(Map.of(GUARANTEE, "exactly_once"));
                }
            }
            if (parts.contains("taps")) {
                double rate = quick ? 200 : 1000;
                System.out.println("Routing latency with 0, then 5 (from their creation, then steady), then 0 analytics taps "
                        + "again (" + (int) rate + " msg/s; the second 0 shows how far the machine drifted meanwhile):");
                try (MeshBench mesh = new MeshBench(target, payloadBytes)) {
                    warmUp(mesh, millis);
                    measuredLatency(results, meter, () -> rename(mesh.latency("exactly_once", rate, millis), " [0 taps]"));
                    List<String> taps = TapsBench.create(target.http(), 5);
                    try {
                        // the taps application starts with the first tap: the first point includes its start
                        // and catching up, the second is the steady state
                        measuredLatency(results, meter, () -> rename(mesh.latency("exactly_once", rate, millis),
                                " [5 taps, from their creation]"));
                        measuredLatency(results, meter, () -> rename(mesh.latency("exactly_once", rate, millis), " [5 taps]"));
                    } finally {
                        TapsBench.delete(target.http(), taps);
                    }
                    Thread.sleep(2_000);
                    measuredLatency(results, meter, () -> rename(mesh.latency("exactly_once", rate, millis), " [0 taps, after]"));
                }
            }
            if (parts.contains("delivery")) {
                double rate = quick ? 200 : 500;
                System.out.println("Delivery to the agent's handler, by the way it reads (" + (int) rate + " msg/s):");
                if (!quick) {
                    // the latency part may have left a node that just restarted
                    try (MeshBench mesh = new MeshBench(target, payloadBytes)) {
                        warmUp(mesh, millis);
                    }
                }
                new DeliveryBench(target, payloadBytes).run(rate, millis).forEach(results::add);
            }
            if (!compare.isEmpty()) {
                if (stack == null) {
                    results.note("--compare restarts the mesh node, so it needs the bench's own stack");
                } else {
                    for (String setting : compare) {
                        Map<String, String> changed = new java.util.LinkedHashMap<>();
                        for (String kv : setting.split(";")) {
                            int eq = kv.indexOf('=');
                            changed.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                        }
                        System.out.println("Compare: the node restarted with " + changed + ":");
                        stack.restartMesh(changed);
                        try (MeshBench mesh = new MeshBench(target, payloadBytes)) {
                            warmUp(mesh, millis);
                            String label = " [" + setting + "]";
                            measured(results, meter, () -> rename(mesh.grpc(n, 1024), label));
                            measured(results, meter, () -> rename(mesh.grpcStream(n, 1024), label));
                            measured(results, meter, () -> rename(mesh.grpcBatch(n * 2, 500, 4), label));
                            for (double rate : rates) {
                                measuredLatency(results, meter, () -> rename(mesh.latency("compare", rate, millis), label));
                            }
                        }
                    }
                }
            }
            if (parts.contains("connect-heap")) {
                long total = connectMessages != null ? connectMessages : quick ? 100_000 : 1_000_000;
                System.out.printf("One Connect stream, %,d messages acked as they come (mesh heap after GC):%n", total);
                results.addConnectHeap(new ConnectHeapBench(target, payloadBytes).run(total));
            }
            if (parts.contains("fanout")) {
                System.out.println("Fan-out:");
                results.add(new FanoutBench(target, payloadBytes).run(fanoutAgents, quick ? 5 : 20));
            }
            // before the routing part, which leaves 50,000 agents registered
            if (parts.contains("registry")) {
                System.out.println("Registry scale:");
                RegistryBench registry = new RegistryBench(target, stack, registryClients);
                results.registryClients = registryClients;
                for (int size : sizes) {
                    // warm-up: until the node's request path is compiled (C2 compiles after ~10,000 calls;
                    // 200 left p50 of a refused request at 0.5-0.9 ms against 0.2 ms on a warm node)
                    results.add(registry.growTo(size, quick ? 500 : 2000, quick ? 200 : 10_000));
                }
                results.batch(registry.growInBatches(quick ? 200 : 5_000, 100, 8, quick ? 100 : 1_000));
                results.bareTopics(registry.bareTopicsPerSecond());
            }
            if (parts.contains("shared")) {
                System.out.println("Shared inbox partitions (simulation, docs/SCALING.md):");
                results.add(new SharedInboxBench(bootstrapServers, payloadBytes).run(quick ? 8 : 64,
                        quick ? 5_000 : 1_000_000, quick ? 2_000 : 1_000_000));
            }
            if ((parts.contains("parked") || parts.contains("routing") || parts.contains("coldstart") || parts.contains("auth")
                    || parts.contains("security")) && stack == null) {
                results.note("the parked, routing, coldstart, auth and security parts read the mesh's CPU or restart it, so they "
                        + "need the bench's own stack");
            } else {
                if (parts.contains("parked")) {
                    System.out.println("Parked messages:");
                    results.add(new ParkedBench(target, stack.mesh(), payloadBytes).run(
                            parkedMessages != null ? parkedMessages : quick ? 2000 : 20_000, 200, millis));
                }
                // before the parts that restart the node: its first step must not meet a cold one
                if (parts.contains("routing")) {
                    System.out.println("Capability routing as the registry grows:");
                    new RoutingScaleBench(target, stack.mesh(), payloadBytes, "mesh").run(
                            routingSizes != null ? routingSizes : quick ? List.of(100, 2000) : List.of(100, 10_000, 50_000),
                            10, 200, millis).forEach(results::add);
                }
                if (parts.contains("coldstart")) {
                    System.out.println("Cold start (the node restarts):");
                    results.add(new ColdStartBench(target, stack, payloadBytes).run(quick ? 200 : 1000, 200));
                }
                if (parts.contains("auth")) {
                    System.out.println("Cost of authentication on the send path (the node restarts three times):");
                    new AuthCostBench(stack, payloadBytes).run(quick ? 2000 : 10_000, quick ? 5000 : 20_000)
                            .forEach(results::add);
                }
                if (parts.contains("security")) {
                    System.out.println("Cost of SASL and TLS (three fresh brokers; the node restarts three times):");
                    new SecurityCostBench(stack, dir, payloadBytes).run(quick ? 10_000 : 100_000, quick ? 2000 : 10_000)
                            .forEach(results::add);
                }
            }
        }
    }

    private void meshLatency(BenchResults results, CpuMeter meter, BenchTarget target, String guarantee, long millis)
            throws Exception {
        try (MeshBench mesh = new MeshBench(target, payloadBytes)) {
            warmUp(mesh, millis);
            for (double rate : rates) {
                measuredLatency(results, meter, () -> mesh.latency(guarantee, rate, millis));
            }
        }
    }

    /**
     * After a (re)start the JIT compiles for a minute or more (the C2 compiler thread alone took a
     * third of the machine 40-60 s after a restart): a burst of sends and a stretch at 1,000 msg/s
     * before anything is measured.
     */
    private void warmUp(MeshBench mesh, long millis) throws Exception {
        mesh.grpc(quick ? 2000 : 30_000, 256);
        mesh.latency("warm-up", quick ? 200 : 1000, quick ? 2000 : Math.max(millis, 15_000));
    }

    /** The processes whose CPU a part's cost counts: this JVM, and the stack's when the bench started it. */
    private static CpuMeter meter(LocalStack stack) {
        CpuMeter meter = new CpuMeter();
        if (stack != null) {
            meter.with("mesh", () -> {
                double sum = 0;
                for (int i = 1; i <= stack.nodeCount(); i++) {
                    sum += stack.mesh(i).cpuSeconds();
                }
                return sum;
            }).with("zookeeper", () -> stack.zookeeper().cpuSeconds()).with("broker", () -> stack.kafka().cpuSeconds());
        }
        return meter;
    }

    private static BenchResults.Throughput rename(BenchResults.Throughput t, String suffix) {
        return new BenchResults.Throughput(t.path() + suffix, t.messages(), t.acceptedPerSecond(), t.deliveredPerSecond());
    }

    private static BenchResults.Latency rename(BenchResults.Latency l, String suffix) {
        return new BenchResults.Latency(l.path() + suffix, l.guarantee(), l.offeredRate(), l.achievedRate(), l.received(),
                l.failed(), l.p50(), l.p99(), l.p999(), l.max());
    }

    private interface Part<T> {
        T run() throws Exception;
    }

    private static void measured(BenchResults results, CpuMeter meter, Part<BenchResults.Throughput> part) throws Exception {
        CpuMeter.Reading at = meter.start();
        BenchResults.Throughput t = part.run();
        results.add(t);
        results.add(at.stop(t.path(), t.messages()));
    }

    private static void measuredLatency(BenchResults results, CpuMeter meter, Part<BenchResults.Latency> part)
            throws Exception {
        CpuMeter.Reading at = meter.start();
        BenchResults.Latency l = part.run();
        results.add(l);
        results.add(at.stop(l.path() + " " + l.guarantee() + " at " + Math.round(l.offeredRate()) + " msg/s", l.received()));
    }
}
