package io.agentmesh.tools.dev;

import io.agentmesh.service.db.DatabaseBootstrap;
import io.dropwizard.db.DataSourceFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;

import java.net.ConnectException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * What dev mode finds of the local PostgreSQL and Redis: reachable, not running at all (dev mode can
 * start a private one), or running but refusing (a password, a wrong user), which only the user can
 * fix and is told how.
 */
public final class LocalServices {

    static final String START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";
    static final String START_REDIS = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" "
            + "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log";

    /** {@code down}: nothing answers (connection refused), so a private server may take its place. */
    public record Check(boolean ok, boolean down, String problem) {
        static final Check OK = new Check(true, false, null);
    }

    private LocalServices() {
    }

    public static Check postgres(DataSourceFactory database) {
        try {
            DatabaseBootstrap.createDatabaseIfMissing(database);
            return Check.OK;
        } catch (Exception e) {
            String state = sqlState(e).orElse("");
            if (state.startsWith("28")) {
                // 28P01 wrong password, 28000 no such role / no pg_hba entry
                return new Check(false, false, "PostgreSQL at " + database.getUrl() + " refuses user '" + database.getUser()
                        + "' (" + e.getMessage() + ").\n    Give its password with MESH_DATABASE_PASSWORD=... (or "
                        + "database.password in config.yml), another user with MESH_DATABASE_USER, or another server "
                        + "with MESH_DATABASE_URL=jdbc:postgresql://host:port/mesh");
            }
            boolean down = causedBy(e, ConnectException.class);
            return new Check(false, down, "PostgreSQL is not reachable for " + database.getUrl() + " as user '"
                    + database.getUser() + "' (" + e.getMessage() + ").\n    Start it with: " + START_POSTGRES);
        }
    }

    public static Check redis(String redisUri) {
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            connection.sync().ping();
            return Check.OK;
        } catch (Exception e) {
            String text = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
            if (text.contains("NOAUTH") || text.contains("WRONGPASS")) {
                return new Check(false, false, "Redis at " + redisUri + " asks for a password (" + e.getMessage()
                        + ").\n    Give it in the URI: MESH_REDIS_URI=redis://:password@127.0.0.1:6379/0");
            }
            return new Check(false, causedBy(e, ConnectException.class), "Redis is not reachable at " + redisUri
                    + " (" + e.getMessage() + ").\n    Start it with: " + START_REDIS);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** Host and port of a {@code jdbc:postgresql://host:port/db} URL, when it names loopback. */
    static Optional<Integer> loopbackPort(String jdbcUrl) {
        try {
            URI u = URI.create(jdbcUrl.substring("jdbc:".length()));
            return isLoopback(u.getHost()) ? Optional.of(u.getPort() < 0 ? 5432 : u.getPort()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Integer> redisLoopbackPort(String redisUri) {
        try {
            RedisURI u = RedisURI.create(redisUri);
            return isLoopback(u.getHost()) ? Optional.of(u.getPort()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isLoopback(String host) {
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")
                || host.equals("[::1]"));
    }

    private static Optional<String> sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return Optional.of(s.getSQLState());
            }
        }
        return Optional.empty();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
