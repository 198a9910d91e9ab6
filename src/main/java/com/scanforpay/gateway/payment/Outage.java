package com.scanforpay.gateway.payment;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Tells an outage (PostgreSQL or Kafka out of reach, the gateway stopping) from a failure that belongs to one
 * command. An outage holds the batch back, to be delivered again once the parts are back; anything else is the
 * command's own (a bug, an answer that cannot be mapped, a constraint on its row) and is dead-lettered, so the
 * commands after it go on.
 */
public final class Outage {

    private Outage() {
    }

    /** Whether {@code failure}, or any of its causes, says that a part the gateway needs is out of reach. */
    public static boolean isOutage(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (isOutageItself(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOutageItself(Throwable cause) {
        if (cause instanceof SQLException sql) {
            return isDatabaseOutage(sql);
        }
        if (cause instanceof KafkaException kafka) {
            // a record the broker refuses for its own size or content stays refused: not an outage
            return !(kafka instanceof RecordTooLargeException || kafka instanceof RecordBatchTooLargeException
                    || kafka instanceof SerializationException || kafka instanceof InvalidRecordException);
        }
        // another path holds the result's claim past every retry; a pool refusing work (the gateway is stopping);
        // a wait that ran out; the thread interrupted by a shutdown
        return cause instanceof ResultBeingPublishedException || cause instanceof RejectedExecutionException
                || cause instanceof TimeoutException
                || cause instanceof InterruptedException;
    }

    /**
     * Connection, resource, operator and transaction-rollback classes of SQLSTATE, a read-only connection (25006)
     * and a lock timeout (55P03), and errors without one (the connection pool's own, e.g. an acquisition timeout). Data and constraint errors (classes 22, 23) belong to
     * the row, and so do other deterministic errors of one statement.
     */
    private static boolean isDatabaseOutage(SQLException sql) {
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
