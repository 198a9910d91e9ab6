package com.scanforpay.gateway.batching;

import java.util.List;
import java.util.concurrent.CompletableFuture;

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
     * Runs {@code batch} on {@code requests} and completes each one's output. If a batch of several fails, each
     * request is run alone, so that a failure belonging to one request (a constraint on its row) never fails the
     * others; an outage fails each of them.
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
            if (requests.size() == 1) {
                requests.get(0).output().completeExceptionally(e);
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
}
