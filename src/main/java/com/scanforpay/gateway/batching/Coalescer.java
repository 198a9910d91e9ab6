package com.scanforpay.gateway.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import com.scanforpay.gateway.batching.Batch.Request;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * Asynchronous requests of one kind, run together on a thread of its own: whatever arrives while a batch runs goes
 * into the next one (up to a maximum). Nothing waits for company: under light load a batch is a single request;
 * under load one database round trip and one commit serve many payments. (For callers that block anyway,
 * {@link BatchedCalls} needs no thread of its own.)
 *
 * <p>A request's output completes on this thread, so what a caller chains to it runs here too and must be short
 * (hand anything long to another thread). A failing batch fails only its requests' own failures
 * ({@link Batch#complete}).
 *
 * @param <I> what one request asks for
 * @param <O> what it gets back
 */
public final class Coalescer<I, O> implements AutoCloseable {

    private final String name;
    private final int maxBatch;
    private final Batch<I, O> batch;
    private final BlockingQueue<Request<I, O>> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    /**
     * @param name     the worker thread's name
     * @param maxBatch most requests in one batch (a bound on one statement's size)
     * @param batch    runs a batch; its failure fails the batch's requests (each retried alone first)
     */
    public Coalescer(String name, int maxBatch, Batch<I, O> batch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxBatch = maxBatch;
        this.batch = Objects.requireNonNull(batch, "batch");
        this.worker = new Thread(this::work, name);
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues {@code input} for the next batch; the output completes once its batch has run. */
    public CompletableFuture<O> submit(I input) {
        Request<I, O> request = new Request<>(input);
        queue.add(request);
        if (closed) {
            rejectQueued(); // closed meanwhile: nothing would ever run it
        }
        return request.output();
    }

    /** Stops the worker after its current batch; requests still queued, or submitted later, fail as rejected. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        rejectQueued();
    }

    private void work() {
        List<Request<I, O>> taken = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                break; // closed
            }
            queue.drainTo(taken, maxBatch - 1);
            try {
                Batch.complete(name, batch, taken);
            } catch (RuntimeException | Error e) {
                // never expected (the batch's failures fail its requests): still, no request is left waiting
                taken.forEach(request -> request.output().completeExceptionally(e));
            }
            taken.clear();
        }
        rejectQueued();
    }

    private void rejectQueued() {
        for (Request<I, O> request; (request = queue.poll()) != null; ) {
            request.output().completeExceptionally(new RejectedExecutionException(name + " is closed"));
        }
    }
}
