package com.scanforpay.gateway.batching;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class BatchTest {

    @Test
    void aFailureThatMayBeOneRowsIsRunAgainRowByRow() {
        for (String state : new String[] {"P0001", "23505", "22001", "21000", "40P01", "40001", "42P01"}) {
            assertTrue(Batch.mayBelongToARow(wrapped(new SQLException("x", state))), state);
        }
        assertTrue(Batch.mayBelongToARow(new IllegalArgumentException("a value the code could not map")));
    }

    @Test
    void anOutageFailsTheWholeBatch() {
        for (String state : new String[] {"08006", "08001", "53300", "57014", "57P01", "58030", "XX000", "25006",
                "55P03", null}) {
            assertFalse(Batch.mayBelongToARow(wrapped(new SQLException("x", state))), String.valueOf(state));
        }
        assertFalse(Batch.mayBelongToARow(wrapped(new SQLTransientConnectionException("pool: no connection"))));
        assertFalse(Batch.mayBelongToARow(new RejectedExecutionException("closed")));
        assertFalse(Batch.mayBelongToARow(new RuntimeException(new TimeoutException("no batch took it"))));
    }

    /** As the stores throw them: their own exception around the driver's. */
    private static RuntimeException wrapped(SQLException e) {
        return new IllegalStateException("could not admit 3 payments", e);
    }
}
