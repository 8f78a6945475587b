package io.agentmesh.service.it;

import io.agentmesh.service.db.DatabaseBootstrap;
import io.agentmesh.embedded.EmbeddedKafka;
import io.agentmesh.embedded.EmbeddedZooKeeper;
import io.dropwizard.db.DataSourceFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * What the integration tests run against, once per JVM: a real KRaft broker and ZooKeeper in this
 * JVM on free ports, a fresh database on the local PostgreSQL (dropped at exit), the local Redis
 * (its database, one per test JVM, emptied first: live entries an earlier run left there outlive it
 * and would answer this run's discoveries).
 */
public final class TestInfra {

    public static final String REDIS_URI = System.getProperty("mesh.test.redis", "redis://127.0.0.1:6379/3");
    public static final String PG_BASE = System.getProperty("mesh.test.postgres", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String PG_USER = System.getProperty("mesh.test.postgres.user", "postgres");

    /**
     * For the nodes the tests start as processes of their own: the client compiler only and the
     * serial collector. A test node lives a minute or two and most of that is start-up, where C2's
     * compilations and G1's threads cost two shared cores more than they return (ClusterProcessesIT,
     * three nodes: 72 s against 49 s).
     */
    public static final java.util.List<String> CHILD_JVM_FLAGS = java.util.List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private static TestInfra instance;

    private final Path dir;
    private final EmbeddedKafka kafka;
    private final EmbeddedZooKeeper zookeeper;
    private final DataSourceFactory database;

    private TestInfra() throws Exception {
        dir = Files.createTempDirectory("mesh-it-");
        kafka = new EmbeddedKafka(dir.resolve("kafka"), Ports.free(), Ports.free()).start();
        zookeeper = new EmbeddedZooKeeper(dir.resolve("zookeeper"), Ports.free()).start();
        database = database("mesh_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        DatabaseBootstrap.createDatabaseIfMissing(database);
        emptyRedis();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-infra-stop"));
    }

    private static void emptyRedis() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS_URI);
        try (var connection = client.connect()) {
            connection.sync().flushdb();
        } finally {
            client.shutdown();
        }
    }

    public static synchronized TestInfra get() {
        if (instance == null) {
            try {
                instance = new TestInfra();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start test infrastructure: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    public static DataSourceFactory database(String name) {
        DataSourceFactory db = new DataSourceFactory();
        db.setDriverClass("org.postgresql.Driver");
        db.setUrl(PG_BASE + name);
        db.setUser(PG_USER);
        db.setPassword("");
        return db;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String zookeeper() {
        return zookeeper.connectString();
    }

    public String databaseUrl() {
        return database.getUrl();
    }

    public Path dir() {
        return dir;
    }

    private void close() {
        try {
            zookeeper.close();
            kafka.close();
        } finally {
            try {
                DatabaseBootstrap.dropDatabase(database);
            } catch (Exception e) {
                System.err.println("could not drop test database " + database.getUrl() + ": " + e.getMessage());
            }
        }
    }
}
