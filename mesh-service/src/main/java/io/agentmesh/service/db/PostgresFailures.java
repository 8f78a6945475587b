package io.agentmesh.service.db;

import io.agentmesh.service.errors.ErrorCode;
import io.agentmesh.service.errors.MeshException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.function.Supplier;

/** Tells "Postgres cannot be reached" (503) from a statement that failed (a bug: 500). */
public final class PostgresFailures {

    private PostgresFailures() {
    }

    /** Runs a Postgres call; "cannot reach Postgres" becomes 503 DEPENDENCY_UNAVAILABLE. */
    public static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (JdbiException e) {
            if (isUnavailable(e)) {
                throw new MeshException(ErrorCode.DEPENDENCY_UNAVAILABLE, "Postgres unavailable; retry later",
                        Map.of("dependency", "postgres"), e);
            }
            throw e;
        }
    }

    public static boolean isUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectionException || c instanceof SQLTransientConnectionException
                    || c instanceof java.net.ConnectException) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null
                    // 08: connection, 57P: shutdown, 57014: cancelled by statement_timeout (StatementBounds)
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P")
                    || sql.getSQLState().equals("57014"))) {
                return true;
            }
        }
        return false;
    }
}
