package io.agentmesh.tools.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL cluster of the test bed's own (Debian's server binaries, run as the {@code
 * postgres} user, trust auth, 127.0.0.1 on a free port), so a scenario can stop and start it
 * without touching the machine's PostgreSQL.
 */
public final class OwnPostgres implements AutoCloseable {

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean temporary;

    /** A throwaway cluster in a temporary directory on a free port, removed by {@link #close}. */
    public OwnPostgres() throws IOException, InterruptedException {
        this(Files.createTempDirectory("mesh-pg-"), FreePorts.next(), true);
    }

    /**
     * A cluster in {@code dir} (made there the first time, kept across runs unless {@code temporary})
     * that listens on 127.0.0.1:{@code port}.
     */
    public OwnPostgres(Path dir, int port, boolean temporary) throws IOException, InterruptedException {
        this.bin = findBin();
        this.dir = dir;
        this.port = port;
        this.temporary = temporary;
        if (!Files.exists(dir.resolve("data").resolve("PG_VERSION"))) {
            Files.createDirectories(dir);
            run(List.of("chown", "postgres", dir.toString()), false);
            run(List.of("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D",
                    dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync"), true);
        }
    }

    /** Whether this machine has PostgreSQL's server binaries (Debian's postgresql package). */
    public static boolean installed() {
        try {
            findBin();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public String jdbcBase() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/";
    }

    public void start() throws IOException, InterruptedException {
        run(List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"), true);
    }

    /** Fast shutdown: sessions are cut, the server is gone until {@link #start}. */
    public void stop() throws IOException, InterruptedException {
        run(List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-m", "fast", "-w", "stop"), true);
    }

    /** A temporary cluster stops at once and is removed; a kept one shuts down cleanly. */
    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-m", temporary ? "immediate" : "fast", "-w", "stop"), false);
        if (temporary) {
            run(List.of("rm", "-rf", dir.toString()), false);
        }
    }

    private static Path findBin() throws IOException {
        if (!Files.isDirectory(Path.of("/usr/lib/postgresql"))) {
            throw new IOException("no PostgreSQL server binaries under /usr/lib/postgresql");
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            List<Path> all = new ArrayList<>(versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl"))).toList());
            if (all.isEmpty()) {
                throw new IOException("no PostgreSQL server binaries under /usr/lib/postgresql");
            }
            all.sort(null);
            return all.get(all.size() - 1);
        }
    }

    private static void run(List<String> cmd, boolean check) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 && check) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
