package com.scanforpay.gateway.command;

import com.scanforpay.gateway.publishing.ResultBeingPublishedException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.idempotency.IdempotentStoreException;
import com.scanforpay.gateway.ledger.LedgerException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.RuntimeCamelException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Only a part out of reach (or the gateway stopping) holds a batch back; anything else is the command's own. */
class OutageTest {

    @Test
    void theDatabaseOrKafkaOutOfReachIsAnOutageHoweverDeeplyWrapped() {
        assertTrue(Outage.isOutage(new LedgerException("could not admit payment p1",
                new SQLException("Connection refused", "08001"))));
        assertTrue(Outage.isOutage(new IdempotentStoreException("claim failed",
                new SQLTransientConnectionException("pool exhausted"))));
        assertTrue(Outage.isOutage(new LedgerException("x", new SQLException("Sorry, acquisition timeout!"))),
                "the pool's own errors carry no SQLSTATE");
        assertTrue(Outage.isOutage(new LedgerException("x", new SQLException("terminating connection", "57P01"))));
        assertTrue(Outage.isOutage(new LedgerException("x", new SQLException("deadlock detected", "40P01"))));
        assertTrue(Outage.isOutage(new LedgerException("x", new SQLException("read-only transaction", "25006"))),
                "a connection still on a former primary after a failover");
        assertTrue(Outage.isOutage(new LedgerException("x", new SQLException("lock timeout", "55P03"))));
        assertTrue(Outage.isOutage(new CompletionException(new RuntimeCamelException(
                new TimeoutException("Expiring 1 record(s)")))));
        assertTrue(Outage.isOutage(new NetworkException("disconnected")));
        assertTrue(Outage.isOutage(new ResultBeingPublishedException("result p1/PAY/SUCCESS")));
        assertTrue(Outage.isOutage(new RejectedExecutionException("pool shut down")));
    }

    @Test
    void aFailureOfTheCommandsOwnIsNoOutage() {
        assertFalse(Outage.isOutage(new NullPointerException()));
        assertFalse(Outage.isOutage(new IllegalStateException("a stored PaymentResult is unreadable")));
        assertFalse(Outage.isOutage(new LedgerException("could not move payment p1",
                new SQLException("value too long for type character varying(32)", "22001"))));
        assertFalse(Outage.isOutage(new LedgerException("x", new SQLException("violates check constraint", "23514"))));
        assertFalse(Outage.isOutage(new LedgerException("x", new SQLException("raised by a trigger", "P0001"))));
        assertFalse(Outage.isOutage(new RuntimeCamelException(new RecordTooLargeException("too large"))));
        assertFalse(Outage.isOutage(new LedgerException("payment p1 was neither admitted nor found")));
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second", first);
        first.initCause(second);
        assertFalse(Outage.isOutage(first));
    }
}
