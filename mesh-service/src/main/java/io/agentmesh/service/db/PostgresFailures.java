package io.agentmesh.service.db;

import org.jdbi.v3.core.ConnectionException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Tells "Postgres cannot be reached" (503) from a statement that failed (a bug: 500). */
public final class PostgresFailures {

    private PostgresFailures() {
    }

    public static boolean isUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectionException || c instanceof SQLTransientConnectionException
                    || c instanceof java.net.ConnectException) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
