package com.scanforpay.gateway.batching;

import java.util.List;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

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
     * reason that may belong to one of its rows (a constraint, a value, a deadlock with another batch), each request
     * is run alone, so that one row's failure never fails the others; any other failure (the database out of reach)
     * fails them all at once, without a statement each.
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
     * Whether a batch's failure may be one row's doing: a database error of class 21, 22 or 23 (cardinality, data,
     * constraint) or 40 (a deadlock or serialisation failure: a row alone cannot take part in one), or a failure
     * that is not the database's at all (a value the code could not map). Connection and resource errors, and
     * errors without an SQLSTATE (the pool's), are outages.
     */
    static boolean mayBelongToARow(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state != null && (state.startsWith("21") || state.startsWith("22") || state.startsWith("23")
                        || state.startsWith("40"));
            }
        }
        return !(failure instanceof RejectedExecutionException);
    }
}
