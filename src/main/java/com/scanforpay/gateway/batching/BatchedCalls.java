package com.scanforpay.gateway.batching;

import com.scanforpay.gateway.batching.Batch.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Blocking calls of one kind, run together when they come together, by the callers themselves: a caller that finds
 * no batch running runs one at once with whatever is waiting (so alone, nothing waits for company and no thread is
 * handed anything), and callers that arrive while a batch runs wait and go together into the next, run by one of
 * them. Under load one database round trip and one commit serve many payments; under light load a call costs what
 * it cost alone.
 *
 * @param <I> what one call asks for
 * @param <O> what it gets back
 */
public final class BatchedCalls<I, O> {

    private final String name;
    private final int maxBatch;
    private final Batch<I, O> batch;
    private final Queue<Request<I, O>> waiting = new ConcurrentLinkedQueue<>();
    /** Whether a caller is running a batch (guarded by this). */
    private boolean running;

    /**
     * @param name     for messages
     * @param maxBatch most calls in one batch (a bound on one statement's size)
     * @param batch    runs a batch; its failure fails the batch's calls (each retried alone first)
     */
    public BatchedCalls(String name, int maxBatch, Batch<I, O> batch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxBatch = maxBatch;
        this.batch = Objects.requireNonNull(batch, "batch");
    }

    /** Runs {@code input} in a batch (this thread's, or another caller's) and returns its output. */
    public O call(I input) {
        Request<I, O> mine = new Request<>(input);
        waiting.add(mine);
        boolean interrupted = false;
        while (!mine.output().isDone()) {
            synchronized (this) {
                while (running && !mine.output().isDone()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the call is queued: it runs, and its caller gets its output
                    }
                }
                if (mine.output().isDone()) {
                    break;
                }
                running = true;
            }
            try {
                List<Request<I, O>> taken = new ArrayList<>();
                for (Request<I, O> next; taken.size() < maxBatch && (next = waiting.poll()) != null; ) {
                    taken.add(next);
                }
                if (!taken.isEmpty()) {
                    Batch.complete(name, batch, taken);
                }
            } finally {
                synchronized (this) {
                    running = false;
                    notifyAll();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            return mine.output().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
