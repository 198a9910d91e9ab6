package com.scanforpay.gateway.batching;

import java.util.List;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The work of one batch of requests: one statement for many payments.
 *
 * @param <I> what one request asks for
 * @param <O> what it gets back
 */
@FunctionalInterface
public interface Batch<I, O> {

    /** The outputs of {@code inputs} (at least one), one each, in their order. */
    List<O> run(List<I> inputs) throws Exception;

    /** A request waiting for its batch. */
    record Request<I, O>(I input, CompletableFuture<O> output) {

        Request(I input) {
            this(input, new CompletableFuture<>());
        }
    }

    /**
     * Runs {@code batch} on {@code requests} and completes each one's output. If a batch of several fails for a
     * reason that may belong to one of its rows (a constraint, a trigger, a value, a deadlock with another batch),
     * each request is run alone, so that one row's failure never fails the others; an outage (the database out of
     * reach) fails them all at once, without a statement each.
     */
    static <I, O> void complete(String name, Batch<I, O> batch, List<Request<I, O>> requests) {
        List<O> outputs;
        try {
            outputs = batch.run(requests.stream().map(Request::input).toList());
            if (outputs.size() != requests.size()) {
                throw new IllegalStateException(name + ": " + outputs.size() + " outputs for " + requests.size()
                        + " inputs");
            }
        } catch (Exception | Error e) {
            if (requests.size() == 1 || !mayBelongToARow(e)) {
                requests.forEach(request -> request.output().completeExceptionally(e));
                return;
            }
            for (Request<I, O> request : requests) {
                complete(name, batch, List.of(request));
            }
            return;
        }
        for (int i = 0; i < requests.size(); i++) {
            requests.get(i).output().complete(outputs.get(i));
        }
    }

    /**
     * Whether a batch's failure may be one row's doing, so that running each row alone is worth it: anything but an
     * outage ({@link DatabaseOutage}, or a refused, timed-out or interrupted wait). A deadlock or serialisation
     * failure (class 40) is split too: a row alone cannot take part in one.
     */
    static boolean mayBelongToARow(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RejectedExecutionException || cause instanceof TimeoutException
                    || cause instanceof InterruptedException) {
                return false;
            }
            if (cause instanceof SQLException sql) {
                return sql.getSQLState() != null && sql.getSQLState().startsWith("40") || !DatabaseOutage.is(sql);
            }
        }
        return true;
    }
}
