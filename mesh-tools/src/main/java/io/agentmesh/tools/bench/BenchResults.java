package io.agentmesh.tools.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/** Every figure one benchmark run produced, printed as it comes. */
public final class BenchResults {

    /**
     * One side of a security comparison: {@code mode} (PLAINTEXT, SASL_PLAINTEXT, SASL_SSL; HTTP,
     * HTTPS), sends accepted and delivered per second, and delivered relative to the unsecured side.
     */
    public record SecurityCost(String path, String mode, long messages, double acceptedPerSecond,
                               double deliveredPerSecond, double ratio) {
    }

    /** The send path with authentication off and on, in the same run against the same node. */
    public record AuthCost(String path, long messages, double offPerSecond, double onPerSecond, double offP50Ms,
                           double onP50Ms) {
    }

    public record Throughput(String path, long messages, double acceptedPerSecond, double deliveredPerSecond) {
    }

    /**
     * The CPU seconds each process used during one part ({@code client}: the bench's own JVM, the load
     * generator and the agents' consumers) for {@code delivered} messages.
     */
    public record Cost(String part, long delivered, double seconds, java.util.Map<String, Double> cpuSeconds) {

        /** CPU microseconds per delivered message of the named processes together (those not measured count 0). */
        public double microsPerMessage(String... processes) {
            double sum = 0;
            for (String p : processes) {
                sum += cpuSeconds.getOrDefault(p, 0.0);
            }
            return delivered == 0 ? Double.NaN : sum * 1e6 / delivered;
        }

        /** The same with one more process's CPU seconds (a native load generator read after it ended). */
        public Cost with(String process, double seconds) {
            java.util.Map<String, Double> all = new java.util.LinkedHashMap<>(cpuSeconds);
            all.put(process, seconds);
            return new Cost(part, delivered, this.seconds, all);
        }

        public double totalMicrosPerMessage() {
            return microsPerMessage(cpuSeconds.keySet().toArray(String[]::new));
        }
    }

    public record Latency(String path, String guarantee, double offeredRate, double achievedRate, long received,
                          long failed, double p50, double p99, double p999, double max) {
        static Latency of(String path, String guarantee, double rate, OpenLoop.Result run, Histogram micros) {
            return new Latency(path, guarantee, rate, run.achievedRate(), micros.getTotalCount(), run.failed(),
                    percentile(micros, 50), percentile(micros, 99), percentile(micros, 99.9), micros.getMaxValue() / 1000.0);
        }

        /**
         * A percentile in ms, or NaN when there are too few samples to tell it from the maximum (fewer
         * than ten beyond it: p99 needs 1,000 samples, p99.9 10,000).
         */
        static double percentile(Histogram micros, double q) {
            return micros.getTotalCount() * (100 - q) / 100 < 10 ? Double.NaN : micros.getValueAtPercentile(q) / 1000.0;
        }
    }

    /**
     * {@code meshCpuMs}, {@code brokerCpuMs}: CPU per registration while growing (0 when the bench did
     * not start the processes); {@code refusedP50Ms}, {@code refusedP99Ms}: a discovery the node refuses
     * at once (400), timed in the same loop as the real ones: the floor of a request on this machine.
     */
    public record RegistryStep(int agents, double registrationsPerSecond, double meshCpuMs, double brokerCpuMs,
                               double discoverP50Ms,
                               double discoverP99Ms, int discoverMatches, double refusedP50Ms, double refusedP99Ms,
                               long brokerRssBytes, long meshHeapBytes,
                               long meshRssBytes, long kafkaDiskBytes, long brokerOpenFiles, long brokerMemoryMaps) {
    }

    /**
     * Registrations through {@code POST /api/v1/agents/batch}, {@code batchSize} per call from
     * {@code clients} clients, measured from {@code from} registered agents after {@code warmUp}
     * more registered the same way and not counted.
     */
    public record RegistryBatch(int agents, int batchSize, int clients, double registrationsPerSecond, double meshCpuMs,
                                double brokerCpuMs, int warmUp, int from) {
    }

    public record Fanout(int agents, int rounds, double firstMs, double p50Ms, double maxMs) {
    }

    /**
     * Shared inbox partitions, simulated: {@code messages} keyed by agent id over {@code partitions},
     * read back raw and handed to per-agent sessions by key ({@code touched} agents got at least one).
     */
    public record SharedInbox(int partitions, int agents, long messages, int touched, double producedPerSecond,
                              double rawReadPerSecond, double rawCpuMicros, double demuxReadPerSecond, double demuxCpuMicros,
                              double sessionBytesPerAgent) {
    }

    /** Open-loop sends to one agent, timed from the intended send to the agent's handler, through one way of reading. */
    public record Delivery(String path, double rate, long offered, long received, long failed, double p50Ms, double p99Ms,
                           double maxMs) {
    }

    /**
     * The node restarted: seconds until its /health answered 200, then until the router said RUNNING;
     * the first message sent at that moment, send to inbox; then {@code messages} more at a steady rate.
     */
    public record ColdStart(double healthySeconds, double runningSeconds, double firstMs, int messages, double rate,
                            double p50Ms, double p99Ms, double maxMs) {
    }

    /** Mesh CPU in cores (CPU seconds per second) at rest and under a steady load, without and with parked messages. */
    public record Parked(int parked, double idleCoresWithout, double idleCoresWith, double loadCoresWithout,
                         double loadCoresWith, double p99WithoutMs, double p99WithMs, long released,
                         double releaseSeconds, long outOfOrder) {
    }

    /** The mesh node's heap after a full GC once {@code delivered} messages went through one Connect stream. */
    public record HeapPoint(long delivered, double seconds, long heapAfterGcBytes) {
    }

    public record Routing(int registered, int matches, double rate, long received, double p50Ms, double p99Ms,
                          double cpuMicrosPerMessage) {
    }

    final List<Throughput> throughput = new ArrayList<>();
    final List<Latency> latency = new ArrayList<>();
    final List<RegistryStep> registry = new ArrayList<>();
    /** The broker creating bare topics (Admin, 64 per request) after the registry part: the floor of a registration; NaN if not run. */
    double bareTopicsPerSecond = Double.NaN;
    /** A first write to a fresh page of a memory-mapped sparse file in the bench's directory, ms ({@link MappedPageProbe}). */
    double mappedPageFirstWriteMs = Double.NaN;
    RegistryBatch registryBatch;
    /** How many clients registered at once in the registry part. */
    int registryClients;
    final List<Fanout> fanout = new ArrayList<>();
    final List<Delivery> delivery = new ArrayList<>();
    final List<SharedInbox> sharedInbox = new ArrayList<>();
    final List<ColdStart> coldStart = new ArrayList<>();
    final List<Parked> parked = new ArrayList<>();
    final List<Routing> routing = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final List<AuthCost> auth = new ArrayList<>();
    final List<SecurityCost> security = new ArrayList<>();
    final List<HeapPoint> connectHeap = new ArrayList<>();
    final List<Cost> costs = new ArrayList<>();
    final List<Wrk> wrk = new ArrayList<>();

    /**
     * A run of {@code wrk} (native HTTP load generator, keep-alive connections): requests answered as
     * expected per second, its latency percentiles, its own CPU, and for sends how fast what was
     * accepted reached the inboxes ({@code drainSeconds}: how long after the last request the last
     * message arrived).
     */
    public record Wrk(String path, int connections, long requests, long failed, double seconds, double requestsPerSecond,
                      double p50Ms, double p99Ms, double wrkCpuSeconds, double deliveredPerSecond, double drainSeconds) {
    }

    void add(Wrk w) {
        wrk.add(w);
        System.out.printf("  %-20s wrk %d connections: %,9.0f req/s (%,d, %d failed)  p50 %.2f ms  p99 %.2f ms  wrk CPU %.1f s%s%n",
                w.path(), w.connections(), w.requestsPerSecond(), w.requests(), w.failed(), w.p50Ms(), w.p99Ms(),
                w.wrkCpuSeconds(), Double.isNaN(w.deliveredPerSecond()) ? ""
                        : String.format("  delivered %,.0f/s, last arrival %.1f s after the last request", w.deliveredPerSecond(),
                        w.drainSeconds()));
    }

    Cost cost(String part) {
        return costs.stream().filter(c -> c.part().equals(part)).findFirst().orElse(null);
    }

    Cost costStartingWith(String prefix) {
        return costs.stream().filter(c -> c.part().startsWith(prefix)).findFirst().orElse(null);
    }

    void add(Cost c) {
        costs.add(c);
        StringBuilder b = new StringBuilder();
        c.cpuSeconds().forEach((name, seconds) -> b.append(String.format("  %s %.0f", name, c.microsPerMessage(name))));
        System.out.printf("    CPU us/message:%s  (total %.0f over %,d delivered; %s)%n", b, c.totalMicrosPerMessage(), c.delivered(),
                java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0));
    }

    void addConnectHeap(List<HeapPoint> points) {
        connectHeap.addAll(points);
    }

    void add(SecurityCost c) {
        security.add(c);
        System.out.printf("  %-26s %-15s %,9d msgs   accepted %,9.0f/s   delivered %,9.0f/s   ratio %.2f%n",
                c.path(), c.mode(), c.messages(), c.acceptedPerSecond(), c.deliveredPerSecond(), c.ratio());
    }

    void add(AuthCost a) {
        auth.add(a);
        System.out.printf("  %-28s %,9d msgs   auth off %,8.0f/s (p50 %.2f ms)   on %,8.0f/s (p50 %.2f ms)   on/off %.2f%n",
                a.path(), a.messages(), a.offPerSecond(), a.offP50Ms(), a.onPerSecond(), a.onP50Ms(),
                a.onPerSecond() / a.offPerSecond());
    }

    void add(Throughput t) {
        throughput.add(t);
        System.out.printf("  %-28s %,9d msgs   accepted %,10.0f/s   delivered %,10.0f/s%n",
                t.path(), t.messages(), t.acceptedPerSecond(), t.deliveredPerSecond());
    }

    void add(Latency l) {
        latency.add(l);
        System.out.printf("  %-15s %-15s %,6.0f msg/s offered (%,6.0f achieved): p50 %7s ms  p99 %7s ms  p99.9 %7s ms  max %7.2f ms  (%,d received, %d failed)%n",
                l.path(), l.guarantee(), l.offeredRate(), l.achievedRate(), BenchReport.ms(l.p50()), BenchReport.ms(l.p99()),
                BenchReport.ms(l.p999()), l.max(),
                l.received(), l.failed());
    }

    void batch(RegistryBatch b) {
        registryBatch = b;
        System.out.printf("  %,6d more agents in batches of %d (%d clients, after %,d as a warm-up): %,7.0f registrations/s"
                + " (CPU per registration: mesh %.1f ms, broker %.1f ms)%n", b.agents(), b.batchSize(), b.clients(), b.warmUp(),
                b.registrationsPerSecond(), b.meshCpuMs(), b.brokerCpuMs());
    }

    void bareTopics(double perSecond) {
        bareTopicsPerSecond = perSecond;
        System.out.printf("  the same broker creating bare topics (64 per request): %,.0f/s%n", perSecond);
    }

    void add(RegistryStep r) {
        registry.add(r);
        System.out.printf("  %,6d agents: %,7.0f registrations/s (CPU per registration: mesh %.1f ms, broker %.1f ms)"
                        + "   discover p50 %.2f ms p99 %.2f ms (%d matches; refused: p50 %.2f ms p99 %.2f ms)"
                        + "   broker RSS %,d MiB, %,d open files, %,d memory maps   mesh heap %,d MiB%n",
                r.agents(), r.registrationsPerSecond(), r.meshCpuMs(), r.brokerCpuMs(), r.discoverP50Ms(), r.discoverP99Ms(), r.discoverMatches(),
                r.refusedP50Ms(), r.refusedP99Ms(), r.brokerRssBytes() >> 20, r.brokerOpenFiles(), r.brokerMemoryMaps(), r.meshHeapBytes() >> 20);
    }

    void add(Delivery d) {
        delivery.add(d);
        System.out.printf("  %-28s %,5.0f msg/s: p50 %7s ms  p99 %7s ms  max %8.2f ms  (%,d of %,d handled, %d sends failed)%n",
                d.path(), d.rate(), BenchReport.ms(d.p50Ms()), BenchReport.ms(d.p99Ms()), d.maxMs(), d.received(), d.offered(),
                d.failed());
    }

    void add(SharedInbox s) {
        sharedInbox.add(s);
        System.out.printf("  %,d messages to %,d agents (%,d got one) over %d partitions: produced %,.0f/s; read raw %,.0f/s"
                        + " (%.1f µs CPU each), handed to sessions by key %,.0f/s (%.1f µs CPU each); %.0f bytes of session per agent%n",
                s.messages(), s.agents(), s.touched(), s.partitions(), s.producedPerSecond(), s.rawReadPerSecond(),
                s.rawCpuMicros(), s.demuxReadPerSecond(), s.demuxCpuMicros(), s.sessionBytesPerAgent());
    }

    void add(ColdStart c) {
        coldStart.add(c);
        System.out.printf("  restarted: /health 200 after %.1f s, router RUNNING after %.1f s; first message %.1f ms;"
                        + " next %,d at %,.0f msg/s: p50 %s ms  p99 %s ms  max %.1f ms%n", c.healthySeconds(), c.runningSeconds(),
                c.firstMs(), c.messages(), c.rate(), BenchReport.ms(c.p50Ms()), BenchReport.ms(c.p99Ms()), c.maxMs());
    }

    void add(Fanout f) {
        fanout.add(f);
        System.out.printf("  namespace of %d agents: first broadcast (agents never written to) all have it after %.1f ms;"
                + " %d more: p50 %.1f ms, max %.1f ms%n", f.agents(), f.firstMs(), f.rounds(), f.p50Ms(), f.maxMs());
    }

    void add(Parked p) {
        parked.add(p);
        System.out.printf("  %,d parked: mesh CPU at rest %.3f -> %.3f cores, under load %.3f -> %.3f cores; load p99 %.1f -> %.1f ms;"
                        + " released %,d in %.1f s, %d out of order%n", p.parked(), p.idleCoresWithout(), p.idleCoresWith(),
                p.loadCoresWithout(), p.loadCoresWith(), p.p99WithoutMs(), p.p99WithMs(), p.released(), p.releaseSeconds(),
                p.outOfOrder());
    }

    void add(Routing r) {
        routing.add(r);
        System.out.printf("  %,7d registered, %d match: capability routing at %,.0f msg/s p50 %.2f ms p99 %.2f ms,"
                + " mesh CPU %.0f us/message (%,d received)%n", r.registered(), r.matches(), r.rate(), r.p50Ms(), r.p99Ms(),
                r.cpuMicrosPerMessage(), r.received());
    }

    void note(String text) {
        notes.add(text);
        System.out.println("  note: " + text);
    }

    double rawKafkaDelivered() {
        return throughput.stream().filter(t -> t.path().startsWith("raw Kafka")).mapToDouble(Throughput::deliveredPerSecond)
                .findFirst().orElse(Double.NaN);
    }
}
