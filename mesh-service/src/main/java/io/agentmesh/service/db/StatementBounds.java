package io.agentmesh.service.db;

import io.dropwizard.db.DataSourceFactory;

import java.time.Duration;
import java.util.Map;

/**
 * No statement of the mesh runs for ever: every pooled connection gets PostgreSQL's
 * {@code statement_timeout} (a runaway query, a lock held by someone else, would otherwise hold a
 * request thread and a pool connection until the client goes away). Set through the driver's
 * {@code options}, unless the configuration already sets a statement timeout there.
 */
public final class StatementBounds {

    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private StatementBounds() {
    }

    public static void apply(DataSourceFactory database, Duration timeout) {
        Map<String, String> properties = database.getProperties();
        String options = properties.getOrDefault("options", "");
        if (!options.contains("statement_timeout")) {
            properties.put("options", (options + " -c statement_timeout=" + timeout.toMillis()).trim());
        }
    }
}
