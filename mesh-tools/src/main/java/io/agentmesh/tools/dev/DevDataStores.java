package io.agentmesh.tools.dev;

import io.agentmesh.service.MeshConfiguration;
import io.agentmesh.tools.harness.ChildProcess;
import io.agentmesh.tools.harness.OwnPostgres;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The PostgreSQL and Redis dev mode runs against: the machine's, when they answer; otherwise, when
 * nothing listens where the config points (on loopback) and the server binaries are installed, private
 * ones under the data directory ({@code data/postgres}, kept between runs; {@code data/redis}), started
 * here and stopped with the mesh. What cannot be fixed that way (a password asked for, no binaries)
 * is returned as problems, each with what to do.
 */
final class DevDataStores implements AutoCloseable {

    private final Path data;
    private final PrintStream out;
    private OwnPostgres postgres;
    private ChildProcess redis;

    DevDataStores(Path data, PrintStream out) {
        this.data = data;
        this.out = out;
        // a private server outlives this JVM unless stopped: also on a crash or a kill that skips the mesh's stop
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "dev-data-stores-stop"));
    }

    /**
     * Makes both reachable where it can ({@code mayStart}: start private servers for those not
     * running); returns what is still wrong (empty: ready).
     */
    List<String> prepare(MeshConfiguration config, boolean mayStart) throws Exception {
        List<String> problems = new ArrayList<>();
        LocalServices.Check pg = LocalServices.postgres(config.getDatabase());
        Optional<Integer> pgPort = LocalServices.loopbackPort(config.getDatabase().getUrl());
        if (mayStart && !pg.ok() && pg.down() && pgPort.isPresent() && OwnPostgres.installed()) {
            Path dir = postgresDir();
            out.println("PostgreSQL does not answer on 127.0.0.1:" + pgPort.get() + ": starting a private one under "
                    + dir + " (trust auth, kept between runs, stopped with the mesh)");
            try {
                postgres = new OwnPostgres(dir, pgPort.get(), false);
                postgres.start();
                pg = LocalServices.postgres(config.getDatabase());
            } catch (IOException e) {
                problems.add("could not start a private PostgreSQL (" + firstLine(e.getMessage()) + ").\n    "
                        + "Start the machine's with: " + LocalServices.START_POSTGRES);
                pg = LocalServices.Check.OK; // said above
            }
        }
        if (!pg.ok()) {
            problems.add(pg.problem());
        }
        LocalServices.Check r = LocalServices.redis(config.getRedis().getUri());
        Optional<Integer> redisPort = LocalServices.redisLoopbackPort(config.getRedis().getUri());
        if (mayStart && !r.ok() && r.down() && redisPort.isPresent() && onPath("redis-server")) {
            out.println("Redis does not answer on 127.0.0.1:" + redisPort.get() + ": starting a private redis-server ("
                    + data.resolve("redis") + ", no persistence: the mesh refills it from PostgreSQL)");
            Files.createDirectories(data.resolve("redis"));
            redis = new ChildProcess("redis", List.of("redis-server", "--port", Integer.toString(redisPort.get()),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", data.resolve("redis").toString()),
                    java.util.Map.of(), data.resolve("redis/redis.log"));
            try {
                redis.start();
                awaitRedis(config.getRedis().getUri());
                r = LocalServices.redis(config.getRedis().getUri());
            } catch (IOException e) {
                problems.add("could not start a private redis-server (" + firstLine(e.getMessage()) + ").\n    "
                        + "Start the machine's with: " + LocalServices.START_REDIS);
                r = LocalServices.Check.OK; // said above
            }
        }
        if (!r.ok()) {
            problems.add(r.problem());
        }
        return problems;
    }

    /**
     * {@code data/postgres}, where the server's own user ({@code postgres}; it refuses to run as root)
     * can reach it; otherwise (a checkout under a private home directory) a directory in that user's
     * home, named after the data directory so each checkout keeps its own.
     */
    private Path postgresDir() throws IOException, InterruptedException {
        Files.createDirectories(data);
        Process p = new ProcessBuilder("runuser", "-u", "postgres", "--", "test", "-x", data.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() == 0) {
            return data.resolve("postgres");
        }
        // the postgres user's own home (Debian: /var/lib/postgresql), which no one else may write to
        Path elsewhere = Path.of("/var/lib/postgresql", "agent-mesh-" + Integer.toHexString(data.toString().hashCode()));
        out.println("(the postgres user cannot reach " + data + "; its cluster goes to " + elsewhere + ")");
        return elsewhere;
    }

    /** What the banner says about where each store is. */
    String describePostgres(String url) {
        return postgres == null ? url : url + "   (private, data in " + postgres.dir() + ")";
    }

    String describeRedis(String uri) {
        return redis == null ? uri : uri + "   (private redis-server)";
    }

    private void awaitRedis(String uri) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            RedisURI u = RedisURI.create(uri);
            u.setTimeout(Duration.ofSeconds(1));
            RedisClient client = RedisClient.create(u);
            try (var c = client.connect()) {
                c.sync().ping();
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(200);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    /** Stops what was started here; safe to call more than once (the mesh's stop and the JVM's exit). */
    @Override
    public synchronized void close() {
        try {
            if (redis != null) {
                redis.stop(5);
                redis = null;
            }
            if (postgres != null) {
                postgres.close();
                postgres = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            out.println("could not stop the private PostgreSQL: " + e.getMessage());
        }
    }
}
