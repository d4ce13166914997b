package io.grantwatch.db;

import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;

/**
 * Tells a database that cannot be reached (no connection within the pool's wait, a connection
 * lost, a server shutting down) from a statement the database refused, so that the first becomes
 * a 503 and only the second can be a bug.
 */
public final class ConnectionFailures {
    private ConnectionFailures() {}

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof DatabaseUnavailableException || cause instanceof ConnectionException
                    || cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException || cause instanceof SocketException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception (SQL standard); 57P0x: PostgreSQL shutting down or not accepting
                // connections; 90067 and 90121: H2's connection broken and database closed.
                if (state.startsWith("08") || state.startsWith("57P0") || state.equals("90067") || state.equals("90121")) {
                    return true;
                }
            }
        }
        return false;
    }
}
