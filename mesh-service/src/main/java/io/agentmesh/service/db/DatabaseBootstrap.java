package io.agentmesh.service.db;

import io.dropwizard.db.DataSourceFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Creates the configured database when it is missing (dev, tests) and applies Flyway migrations. */
public final class DatabaseBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseBootstrap.class);
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([a-zA-Z0-9_]+)(\\?.*)?");

    private DatabaseBootstrap() {
    }

    /**
     * Connects to the server's {@code postgres} database and creates the configured one if absent.
     *
     * @throws SQLException when the server cannot be reached (the message says where)
     */
    public static void createDatabaseIfMissing(DataSourceFactory db) throws SQLException {
        Matcher m = URL.matcher(db.getUrl());
        if (!m.matches()) {
            throw new IllegalArgumentException("database.url must look like jdbc:postgresql://host:port/name, got "
                    + db.getUrl());
        }
        String name = m.group(2);
        String maintenanceUrl = m.group(1) + "postgres" + (m.group(3) == null ? "" : m.group(3));
        try (Connection c = DriverManager.getConnection(maintenanceUrl, db.getUser(), db.getPassword())) {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                q.setString(1, name);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + name + "\"");
                LOG.info("created database {}", name);
            }
        }
    }

    public static void dropDatabase(DataSourceFactory db) throws SQLException {
        Matcher m = URL.matcher(db.getUrl());
        if (!m.matches()) {
            return;
        }
        String maintenanceUrl = m.group(1) + "postgres";
        try (Connection c = DriverManager.getConnection(maintenanceUrl, db.getUser(), db.getPassword());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + m.group(2) + "\" WITH (FORCE)");
        }
    }

    public static void migrate(DataSourceFactory db) {
        MigrateResult result = Flyway.configure()
                .dataSource(db.getUrl(), db.getUser(), db.getPassword())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("database schema at version {} ({} migrations applied now)",
                result.targetSchemaVersion, result.migrationsExecuted);
    }
}
