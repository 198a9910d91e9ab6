package com.scanforpay.gateway.batching;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Tells a database failure that means PostgreSQL is out of reach (for the gateway, an outage) from one that belongs
 * to the statement (a constraint, a value, a trigger): the one place the gateway reads SQLSTATEs this way.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    /**
     * Connection, resource, operator and transaction-rollback classes of SQLSTATE, a read-only connection (25006)
     * and a lock timeout (55P03), and errors without one (the connection pool's own, e.g. an acquisition timeout).
     * Data and constraint errors (classes 22, 23) belong to the row, and so do other deterministic errors of one
     * statement.
     */
    public static boolean is(SQLException sql) {
        if (sql instanceof SQLTransientException || sql instanceof SQLRecoverableException
                || sql instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = sql.getSQLState();
        if (state == null || state.length() < 2) {
            return true;
        }
        // a read-only connection (to a former primary after a failover), a lock not obtained in time
        if (state.equals("25006") || state.equals("55P03")) {
            return true;
        }
        return switch (state.substring(0, 2)) {
            // connection exception, transaction rollback (serialisation, deadlock), insufficient resources,
            // operator intervention (shutdown, cancel), system error, internal error
            case "08", "40", "53", "57", "58", "XX" -> true;
            default -> false;
        };
    }
}
