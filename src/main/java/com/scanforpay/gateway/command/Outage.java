package com.scanforpay.gateway.command;

import com.scanforpay.gateway.publishing.ResultBeingPublishedException;

import com.scanforpay.gateway.batching.DatabaseOutage;
import java.sql.SQLException;
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
            return DatabaseOutage.is(sql);
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
}
