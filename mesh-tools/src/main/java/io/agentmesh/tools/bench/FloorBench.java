package io.agentmesh.tools.bench;

import io.agentmesh.tools.harness.ChildProcess;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The floors a routing hop is held to: the raw baseline's records through a plain Kafka
 * {@link Forwarder} (its own process, so its CPU is read apart), at at-least-once and at
 * exactly-once with the router's commit interval and producer linger.
 */
public final class FloorBench {

    public static final String AT_LEAST_ONCE = "at_least_once";
    public static final String EXACTLY_ONCE = "exactly_once";

    private final RawKafkaBench raw;
    private final String bootstrapServers;
    private final String classpath;
    private final Path dir;
    private final long commitMs;
    private final long lingerMs;

    public FloorBench(RawKafkaBench raw, String bootstrapServers, String classpath, Path dir, long commitMs, long lingerMs) {
        this.raw = raw;
        this.bootstrapServers = bootstrapServers;
        this.classpath = classpath;
        this.dir = dir;
        this.commitMs = commitMs;
        this.lingerMs = lingerMs;
    }

    /** Starts a forwarder between two new topics and warms it (and the broker's path through it) up. */
    public Hop start(String guarantee, int warmUp) throws Exception {
        String in = raw.newTopic();
        String out = raw.newTopic();
        ChildProcess process = ChildProcess.java("forwarder-" + guarantee, classpath, List.of("-Xmx256m"),
                List.of(Forwarder.class.getName(), bootstrapServers, in, out, guarantee, Long.toString(commitMs),
                        Long.toString(lingerMs)), Map.of(), dir.resolve("forwarder-" + guarantee + ".log")).start();
        Hop hop = new Hop(guarantee, in, out, process);
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!process.tail(Integer.MAX_VALUE).lines().anyMatch("ready"::equals)) {
                if (!process.alive() || System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the " + guarantee + " forwarder did not start: " + process.tail(20));
                }
                Thread.sleep(100);
            }
            raw.throughput("warm-up", warmUp, in, out);
            return hop;
        } catch (Exception | Error e) {
            hop.close();
            throw e;
        }
    }

    /** One running forwarder. */
    public final class Hop implements AutoCloseable {
        private final String guarantee;
        private final String in;
        private final String out;
        private final ChildProcess process;

        private Hop(String guarantee, String in, String out, ChildProcess process) {
            this.guarantee = guarantee;
            this.in = in;
            this.out = out;
            this.process = process;
        }

        public String label() {
            return "Kafka forwarder (" + guarantee + ")";
        }

        public double cpuSeconds() throws java.io.IOException {
            return process.cpuSeconds();
        }

        public BenchResults.Throughput throughput(int messages) throws Exception {
            return raw.throughput(label(), messages, in, out);
        }

        public BenchResults.Latency latency(double rate, long durationMillis) throws Exception {
            return raw.latency("Kafka forwarder", guarantee, rate, durationMillis, in, out);
        }

        @Override
        public void close() throws InterruptedException {
            process.stop(5);
        }
    }
}
