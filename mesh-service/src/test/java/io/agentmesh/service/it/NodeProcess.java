package io.agentmesh.service.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A mesh node as its own process: the packaged jar's {@code server} command on the shared test
 * broker, ZooKeeper, Postgres and Redis, its topics and ZooKeeper paths under {@code prefix}, its
 * output in {@code <dir>/<name>.log}.
 */
record NodeProcess(String id, int rest, int grpc, Process process, Path log) {

    static final String JAR = System.getProperty("mesh.jar");
    static final String CONFIG = System.getProperty("mesh.config", "../config.yml");

    /** Starts a node; {@code jvmArgs} come before the jar (system properties, -javaagent), {@code env} is added. */
    static NodeProcess start(String prefix, String name, Path dir, List<String> jvmArgs, Map<String, String> env)
            throws IOException {
        TestInfra infra = TestInfra.get();
        int rest = Ports.free();
        int grpc = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-Ddw.nodeId=" + prefix + "-" + name,
                "-Ddw.server.applicationConnectors[0].port=" + rest,
                "-Ddw.server.adminConnectors[0].port=" + Ports.free(),
                "-Ddw.auth.enabled=false",
                "-Ddw.auth.bootstrapTokenFile=",
                "-Ddw.outbound.allowPrivateNetworks=true",
                "-Ddw.grpc.port=" + grpc,
                "-Ddw.kafka.bootstrapServers=" + infra.bootstrapServers(),
                "-Ddw.kafka.allowUnsafeDurability=true",
                "-Ddw.kafka.topicPrefix=" + prefix,
                "-Ddw.streams.applicationId=" + prefix + "-router",
                "-Ddw.streams.stateDir=" + dir.resolve("streams"),
                "-Ddw.zookeeper.connect=" + infra.zookeeper(),
                "-Ddw.zookeeper.basePath=/" + prefix,
                "-Ddw.database.url=" + infra.databaseUrl(),
                "-Ddw.redis.uri=" + TestInfra.REDIS_URI,
                "-Ddw.redis.heartbeatTtl=30m"));
        cmd.addAll(TestInfra.CHILD_JVM_FLAGS);
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", JAR, "server", CONFIG));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        return new NodeProcess(prefix + "-" + name, rest, grpc, b.start(), log);
    }

    String url(String path) {
        return "http://127.0.0.1:" + rest + path;
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until /health answers 200; fails with the node's output if it exits first. */
    NodeProcess awaitUp() {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(id + " exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                return Http.get(url("/health")).status() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        return this;
    }

    /** SIGTERM, then SIGKILL after a minute. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
