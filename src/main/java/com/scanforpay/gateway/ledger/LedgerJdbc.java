package com.scanforpay.gateway.ledger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Set;

/**
 * The JDBC plumbing {@link PaymentLedger} and {@link RefundLedger} share: one transaction on a connection, state
 * arrays for {@code = ANY(?)}, timestamps as read. Kept in one place so that both ledgers open, commit and roll back
 * their transactions the same way (a refund's success and its payment's update commit together).
 */
final class LedgerJdbc {

    private LedgerJdbc() {
    }

    /** Runs {@code work} in one transaction on {@code connection}, then restores its auto-commit. */
    static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    static Array states(Connection connection, Set<? extends Enum<?>> states) throws SQLException {
        return connection.createArrayOf("varchar", states.stream().map(Enum::name).toArray());
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** What {@link #inTransaction} runs. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }
}
