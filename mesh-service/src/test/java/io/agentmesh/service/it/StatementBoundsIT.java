package io.agentmesh.service.it;

import com.codahale.metrics.MetricRegistry;
import io.agentmesh.service.db.StatementBounds;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every connection of the mesh's pool ends a statement that runs past the bound (against the real PostgreSQL). */
class StatementBoundsIT {

    private static DataSourceFactory database() {
        DataSourceFactory db = new DataSourceFactory();
        db.setDriverClass("org.postgresql.Driver");
        db.setUrl(TestInfra.get().databaseUrl());
        db.setUser(TestInfra.PG_USER);
        db.setPassword("");
        return db;
    }

    @Test
    void aStatementPastTheBoundIsCancelled() throws Exception {
        DataSourceFactory db = database();
        StatementBounds.apply(db, Duration.ofMillis(700));
        ManagedDataSource pool = db.build(new MetricRegistry(), "bounded");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("700ms");
            }
            SQLException cancelled = catchThrowableOfType(SQLException.class, () -> s.execute("SELECT pg_sleep(5)"));
            assertThat(cancelled.getSQLState()).as(cancelled.getMessage()).isEqualTo("57014");
            // answered as PostgreSQL being unavailable (503), not as an internal error
            assertThat(io.agentmesh.service.db.PostgresFailures.isUnavailable(cancelled)).isTrue();
        } finally {
            pool.stop();
        }
    }

    @Test
    void aTimeoutTheConfigurationSetsIsKept() {
        DataSourceFactory db = database();
        db.getProperties().put("options", "-c search_path=public -c statement_timeout=3000");
        StatementBounds.apply(db, Duration.ofMillis(700));
        assertThat(db.getProperties().get("options")).isEqualTo("-c search_path=public -c statement_timeout=3000");
        DataSourceFactory plain = database();
        plain.getProperties().put("options", "-c search_path=public");
        StatementBounds.apply(plain, Duration.ofSeconds(10));
        assertThat(plain.getProperties().get("options")).isEqualTo("-c search_path=public -c statement_timeout=10000");
    }
}
