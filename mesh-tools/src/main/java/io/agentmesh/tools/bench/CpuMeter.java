package io.agentmesh.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds used by each process of a run (mesh nodes, broker, ZooKeeper, a forwarder, and this
 * load generator's own JVM), read before and after a part so a part's cost per delivered message can
 * be reported: a figure that does not move with the machine's speed the way throughput does.
 */
public final class CpuMeter {

    /** Cumulative CPU seconds of one process (or of several, summed). */
    public interface Source {
        double cpuSeconds() throws IOException;
    }

    /** The process a part's load generator runs in: this JVM. */
    public static final String CLIENT = "client";

    private final Map<String, Source> sources = new LinkedHashMap<>();

    public CpuMeter() {
        sources.put(CLIENT, CpuMeter::ownCpuSeconds);
    }

    /** Adds (or replaces) a process under {@code name}; returns this. */
    public CpuMeter with(String name, Source source) {
        sources.put(name, source);
        return this;
    }

    /** This meter and one more process for one part (a forwarder). */
    public CpuMeter plus(String name, Source source) {
        CpuMeter m = new CpuMeter();
        m.sources.putAll(sources);
        m.sources.put(name, source);
        return m;
    }

    public static double ownCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    public Reading start() throws IOException {
        return new Reading(read(), System.nanoTime());
    }

    private Map<String, Double> read() throws IOException {
        Map<String, Double> now = new LinkedHashMap<>();
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            now.put(e.getKey(), e.getValue().cpuSeconds());
        }
        return now;
    }

    /** CPU counters at the start of a part. */
    public final class Reading {
        private final Map<String, Double> at;
        private final long startNanos;

        private Reading(Map<String, Double> at, long startNanos) {
            this.at = at;
            this.startNanos = startNanos;
        }

        /** What each process used since the start, for {@code delivered} messages. */
        public BenchResults.Cost stop(String part, long delivered) throws IOException {
            Map<String, Double> now = read();
            Map<String, Double> used = new LinkedHashMap<>();
            now.forEach((name, seconds) -> used.put(name, Math.max(0, seconds - at.getOrDefault(name, 0.0))));
            return new BenchResults.Cost(part, delivered, (System.nanoTime() - startNanos) / 1e9, used);
        }
    }
}
