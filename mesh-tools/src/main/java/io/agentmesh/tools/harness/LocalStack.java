package io.agentmesh.tools.harness;

import io.agentmesh.service.MeshApplication;
import io.agentmesh.embedded.StandaloneService;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A whole mesh on this machine, every part its own process so each can be killed, paused and
 * restarted: a Kafka broker (KRaft), ZooKeeper, and one mesh node or more ({@code server}, the packaged
 * jar), with a throwaway PostgreSQL database and a Redis database of its own; free ports on
 * 127.0.0.1, data under one directory. The harnesses' test bed.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Where the stack finds PostgreSQL and Redis, and how the mesh node is tuned; {@code classpath}
     * holds the mesh (normally the packaged jar) and is what every child process runs. With
     * {@code ownDataStores} the stack runs a PostgreSQL cluster and a redis-server of its own
     * (which a scenario may stop) instead of using the machine's.
     */
    public record Settings(String classpath, Path dir, Path config, String postgresUrl, String postgresUser, String redisHost,
                           int redisPort, int redisDatabase, String meshHeap, Map<String, String> meshProperties,
                           boolean ownDataStores) {
    }

    private final Settings settings;
    private final int kafkaPort = FreePorts.next();
    private final int controllerPort = FreePorts.next();
    private final int zookeeperPort = FreePorts.next();
    /** The stack's mesh nodes: node 1 always, more with {@link #addNode()}. */
    private final List<Node> nodes = new ArrayList<>(List.of(new Node(1)));
    private final String database = "mesh_harness_" + UUID.randomUUID().toString().substring(0, 8);
    private final ChildProcess kafka;
    private final ChildProcess zookeeper;
    private final ChildProcess redis;
    private final OwnPostgres postgres;
    private final int redisPort;
    private final Map<String, String> meshProperties;
    private int meshStarts;
    private volatile javax.net.ssl.SSLContext meshTls;
    /** Ctrl-C on a harness must not leave a broker, ZooKeeper or mesh node running. */
    private final Thread killOnExit = new Thread(this::killAll, "local-stack-exit");

    public LocalStack(Settings settings) throws IOException {
        this.settings = settings;
        Files.createDirectories(settings.dir().resolve("logs"));
        this.kafka = ChildProcess.java("kafka", settings.classpath(), List.of("-Xmx1g"), List.of(StandaloneService.class.getName(), "kafka",
                settings.dir().resolve("kafka").toString(), Integer.toString(kafkaPort), Integer.toString(controllerPort)),
                Map.of(), settings.dir().resolve("logs/kafka.out"));
        this.zookeeper = ChildProcess.java("zookeeper", settings.classpath(), List.of("-Xmx128m"), List.of(StandaloneService.class.getName(),
                "zookeeper", settings.dir().resolve("zookeeper").toString(), Integer.toString(zookeeperPort)),
                Map.of(), settings.dir().resolve("logs/zookeeper.out"));
        this.meshProperties = new LinkedHashMap<>(settings.meshProperties());
        if (settings.ownDataStores()) {
            redisPort = FreePorts.next();
            redis = new ChildProcess("redis", List.of("redis-server", "--port", Integer.toString(redisPort), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no"), Map.of(), settings.dir().resolve("logs/redis.out"));
            try {
                postgres = new OwnPostgres();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        } else {
            redisPort = settings.redisPort();
            redis = null;
            postgres = null;
        }
    }

    /** The stack's own redis-server (ownDataStores only). */
    public ChildProcess redis() {
        return redis;
    }

    /** The stack's own PostgreSQL (ownDataStores only). */
    public OwnPostgres postgres() {
        return postgres;
    }

    public void startRedis() throws Exception {
        redis.start();
        awaitTrue("redis-server on " + redisPort, Duration.ofSeconds(30), redis, this::redisAnswers);
    }

    public LocalStack start() throws Exception {
        Runtime.getRuntime().addShutdownHook(killOnExit);
        if (settings.ownDataStores()) {
            postgres.start();
            startRedis();
        }
        startKafka();
        startZookeeper();
        createDatabase();
        flushRedis();
        startMesh();
        return this;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String restUrl() {
        return restUrl(1);
    }

    /** The REST address of node {@code n} (1-based). */
    public String restUrl(int n) {
        return (meshTls == null ? "http" : "https") + "://127.0.0.1:" + node(n).restPort;
    }

    /** Every node's REST address, node 1 first. */
    public List<String> restUrls() {
        return nodes.stream().map(n -> restUrl(n.index)).toList();
    }

    /** The TLS context that trusts the node's certificate while it serves TLS; null while it does not. */
    public javax.net.ssl.SSLContext meshTls() {
        return meshTls;
    }

    public int grpcPort() {
        return grpcPort(1);
    }

    public int grpcPort(int n) {
        return node(n).grpcPort;
    }

    /** Every node's gRPC port, node 1 first. */
    public List<Integer> grpcPorts() {
        return nodes.stream().map(n -> n.grpcPort).toList();
    }

    /** How many mesh nodes the stack has. */
    public int nodeCount() {
        return nodes.size();
    }

    /** Adds a mesh node (its own ports, node id and Streams state directory) and starts it; answers its number. */
    public int addNode() throws Exception {
        Node n = new Node(nodes.size() + 1);
        nodes.add(n);
        startMesh(n.index);
        return n.index;
    }

    public ChildProcess zookeeper() {
        return zookeeper;
    }

    public void startZookeeper() throws Exception {
        zookeeper.start();
        awaitTrue("ZooKeeper on 127.0.0.1:" + zookeeperPort, Duration.ofSeconds(60), zookeeper, this::zookeeperAnswers);
    }

    private boolean zookeeperAnswers() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", zookeeperPort)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write("ruok".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] answer = s.getInputStream().readNBytes(4);
            return new String(answer, java.nio.charset.StandardCharsets.UTF_8).equals("imok");
        } catch (IOException e) {
            return false;
        }
    }

    public String topicPrefix() {
        return "mesh";
    }

    public ChildProcess kafka() {
        return kafka;
    }

    public ChildProcess mesh() {
        return mesh(1);
    }

    public ChildProcess mesh(int n) {
        return node(n).process;
    }

    private Node node(int n) {
        if (n < 1 || n > nodes.size()) {
            throw new IllegalArgumentException("no mesh node " + n + "; the stack has " + nodes.size());
        }
        return nodes.get(n - 1);
    }

    public Path dir() {
        return settings.dir();
    }

    public void startKafka() throws Exception {
        kafka.start();
        awaitTrue("Kafka broker on " + bootstrapServers(), Duration.ofSeconds(90), kafka, this::kafkaAnswers);
    }

    /** Starts the mesh node (again) and waits until its /health answers 200. */
    public void startMesh() throws Exception {
        startMesh(1);
    }

    /** Starts mesh node {@code n} (again) and waits until its /health answers 200. */
    public void startMesh(int n) throws Exception {
        Node node = node(n);
        meshStarts++;
        List<String> options = new ArrayList<>(List.of("-Xmx" + settings.meshHeap(), "-XX:+UseG1GC",
                "-Ddw.nodeId=harness-" + n,
                "-Ddw.server.applicationConnectors[0].port=" + node.restPort,
                "-Ddw.server.adminConnectors[0].port=" + node.adminPort,
                "-Ddw.grpc.port=" + node.grpcPort,
                "-Ddw.kafka.bootstrapServers=" + bootstrapServers(),
                // one local broker: the node says so loudly and runs
                "-Ddw.kafka.allowUnsafeDurability=true",
                "-Ddw.zookeeper.connect=127.0.0.1:" + zookeeperPort,
                "-Ddw.streams.stateDir=" + settings.dir().resolve(n == 1 ? "streams" : "streams-" + n),
                "-Ddw.database.url=" + postgresBase() + database,
                "-Ddw.database.user=" + settings.postgresUser(),
                "-Ddw.redis.uri=" + redisUri(),
                // the harness's agents and load generators run without credentials on loopback (the
                // bench's auth part turns authentication on by meshProperties, which come later and win)
                "-Ddw.auth.enabled=false",
                "-Ddw.auth.bootstrapTokenFile=",
                "-Ddw.outbound.allowPrivateNetworks=true"));
        meshProperties.forEach((k, v) -> options.add("-Ddw." + k + "=" + v));
        String jfr = System.getenv("MESH_HARNESS_JFR");
        if (jfr != null && !jfr.isBlank()) {
            // profile each start of the node (Java Flight Recorder), one file per start
            // deep stacks: Jersey's own frames take half of the default depth of 64
            options.add("-XX:FlightRecorderOptions=stackdepth=256");
            Path dir = Path.of(jfr).toAbsolutePath();
            // the JVM will not make the directory; without it the node does not start at all
            Files.createDirectories(dir);
            options.add("-XX:StartFlightRecording=settings=profile,filename=" + dir.resolve("mesh-" + meshStarts + ".jfr"));
        }
        ChildProcess mesh = ChildProcess.java(n == 1 ? "mesh" : "mesh-" + n, settings.classpath(), options, List.of(MeshApplication.class.getName(), "server",
                settings.config().toString()), Map.of("MESH_LOG_DIR", settings.dir().resolve(n == 1 ? "logs/mesh" : "logs/mesh-" + n).toString()),
                settings.dir().resolve("logs/mesh-" + meshStarts + ".out"));
        node.process = mesh;
        mesh.start();
        MeshHttp http = new MeshHttp(restUrl(n), Duration.ofSeconds(2), null, meshTls);
        awaitTrue("mesh node " + n + " on " + restUrl(n), Duration.ofSeconds(180), mesh, http::healthy);
    }

    /** Stops the mesh node (SIGTERM) and starts it again with these settings changed. */
    public void restartMesh(Map<String, String> changed) throws Exception {
        mesh().stop(60);
        meshProperties.putAll(changed);
        startMesh();
    }

    /** Restarts the node with these settings changed, serving TLS that {@code tls} trusts (null: plain). */
    public void restartMesh(Map<String, String> changed, javax.net.ssl.SSLContext tls) throws Exception {
        meshTls = tls;
        restartMesh(changed);
    }

    public void killMesh() throws InterruptedException {
        killMesh(1);
    }

    public void killMesh(int n) throws InterruptedException {
        mesh(n).kill();
    }

    private boolean kafkaAnswers() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000"))) {
            return !admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static void awaitTrue(String what, Duration timeout, ChildProcess process, BooleanSupplier check)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.getAsBoolean()) {
            if (!process.alive()) {
                throw new IllegalStateException(what + ": the process exited:\n" + process.tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not up after " + timeout.toSeconds() + " s:\n" + process.tail(40));
            }
            Thread.sleep(250);
        }
    }

    private String postgresBase() {
        return postgres != null ? postgres.jdbcBase() : settings.postgresUrl();
    }

    private String redisUri() {
        return postgres != null ? "redis://127.0.0.1:" + redisPort + "/0"
                : "redis://" + settings.redisHost() + ":" + redisPort + "/" + settings.redisDatabase();
    }

    private boolean redisAnswers() {
        RedisClient client = RedisClient.create(redisUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return "PONG".equals(c.sync().ping());
        } catch (RuntimeException e) {
            return false;
        } finally {
            client.shutdown();
        }
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(postgresBase() + "postgres", settings.postgresUser(), "");
    }

    private void createDatabase() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    private void flushRedis() {
        RedisClient client = RedisClient.create(redisUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushdb();
        } finally {
            client.shutdown();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is exiting (the hook kills everything), or the stack never started
        }
        for (Node n : nodes) {
            if (n.process != null) {
                n.process.stop(30);
            }
        }
        zookeeper.stop(10);
        if (kafka.alive()) {
            kafka.resume();
        }
        kafka.stop(30);
        if (postgres != null) {
            redis.kill();
            postgres.close();
            return;
        }
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** At JVM exit: every child process killed at once, the stack's own PostgreSQL stopped. */
    private void killAll() {
        List<ChildProcess> all = new ArrayList<>();
        nodes.forEach(n -> all.add(n.process));
        all.addAll(java.util.Arrays.asList(zookeeper, kafka, redis));
        for (ChildProcess p : all) {
            try {
                if (p != null) {
                    p.kill();
                }
            } catch (Exception e) {
                // exiting anyway
            }
        }
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception e) {
            // exiting anyway
        }
    }

    /** One mesh node: its ports and its current process. */
    private static final class Node {
        final int index;
        final int restPort = FreePorts.next();
        final int grpcPort = FreePorts.next();
        final int adminPort = FreePorts.next();
        volatile ChildProcess process;

        Node(int index) {
            this.index = index;
        }
    }
}
