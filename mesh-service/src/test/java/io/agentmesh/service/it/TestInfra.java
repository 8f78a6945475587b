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
 * JVM on free ports, a fresh database on the local PostgreSQL (dropped at exit), the local Redis.
 */
public final class TestInfra {

    public static final String REDIS_URI = System.getProperty("mesh.test.redis", "redis://127.0.0.1:6379/3");
    public static final String PG_BASE = System.getProperty("mesh.test.postgres", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String PG_USER = System.getProperty("mesh.test.postgres.user", "postgres");

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
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-infra-stop"));
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
