package io.agentmesh.tools.dev;

import io.agentmesh.service.db.DatabaseBootstrap;
import io.dropwizard.db.DataSourceFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Checks that the local PostgreSQL and Redis answer, and says how to start whichever does not. */
public final class LocalServices {

    static final String START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";
    static final String START_REDIS = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" "
            + "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log";

    private LocalServices() {
    }

    /** Returns one line per problem; empty when both are reachable (and the database exists). */
    public static List<String> problems(DataSourceFactory database, String redisUri) {
        List<String> problems = new ArrayList<>();
        try {
            DatabaseBootstrap.createDatabaseIfMissing(database);
        } catch (Exception e) {
            problems.add("PostgreSQL is not reachable for " + database.getUrl() + " as user '" + database.getUser()
                    + "' (" + e.getMessage() + ").\n    Start it with: " + START_POSTGRES);
        }
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (var connection = client.connect()) {
            connection.sync().ping();
        } catch (Exception e) {
            problems.add("Redis is not reachable at " + redisUri + " (" + e.getMessage() + ").\n    Start it with: "
                    + START_REDIS);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        return problems;
    }
}
