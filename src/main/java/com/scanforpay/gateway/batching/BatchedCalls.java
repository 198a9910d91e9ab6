package com.scanforpay.gateway.batching;

import com.scanforpay.gateway.batching.Batch.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking calls of one kind, run together when they come together, by the callers themselves: a caller that finds
 * fewer than {@code concurrency} batches running runs one at once with whatever is waiting (so under light load
 * nothing waits for company and no thread is handed anything: a call costs what it cost alone, and calls run in
 * parallel as before), and callers that arrive while that many run wait and go together into the next one, run by
 * one of them. Under load one database round trip and one commit serve many payments.
 *
 * <p>A caller waits at most {@code maxWait} for a batch to take its call; then the call is withdrawn, never runs,
 * and fails with a {@link TimeoutException} (an outage: a statement that hangs must not hold every caller forever).
 * A call a batch has taken is waited for, as a statement of one's own would be.
 *
 * @param <I> what one call asks for
 * @param <O> what it gets back
 */
public final class BatchedCalls<I, O> {

    /** Most rows in one database statement. */
    private static final int STATEMENT_MAX_BATCH = 256;
    /**
     * Database statements of one kind running at once. Chosen by measurement (docs/operations.md §8): one at a time
     * batched best but queued callers behind one slow statement; four at once lost the batching.
     */
    private static final int STATEMENT_CONCURRENCY = 2;
    /** Longest a call waits for a statement to take it; then an outage, never run. */
    private static final Duration STATEMENT_MAX_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final int maxBatch;
    private final int concurrency;
    private final Duration maxWait;
    private final Batch<I, O> batch;
    private final Queue<Request<I, O>> waiting = new ConcurrentLinkedQueue<>();
    /** How many callers are running a batch (guarded by this). */
    private int running;

    /**
     * @param name        for messages
     * @param maxBatch    most calls in one batch (a bound on one statement's size)
     * @param concurrency most batches running at once
     * @param maxWait     longest a call waits for a batch to take it
     * @param batch       runs a batch; its failure fails the batch's calls ({@link Batch#complete})
     */
    public BatchedCalls(String name, int maxBatch, int concurrency, Duration maxWait, Batch<I, O> batch) {
        if (maxBatch < 1 || concurrency < 1) {
            throw new IllegalArgumentException("maxBatch and concurrency must be positive");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxBatch = maxBatch;
        this.concurrency = concurrency;
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        this.batch = Objects.requireNonNull(batch, "batch");
    }

    /** Calls that are database statements of one kind: the settings every store of the gateway uses. */
    public static <I, O> BatchedCalls<I, O> ofStatements(String name, Batch<I, O> batch) {
        return new BatchedCalls<>(name, STATEMENT_MAX_BATCH, STATEMENT_CONCURRENCY, STATEMENT_MAX_WAIT, batch);
    }

    /** Runs {@code input} in a batch (this thread's, or another caller's) and returns its output. */
    public O call(I input) {
        Request<I, O> mine = new Request<>(input);
        waiting.add(mine);
        boolean interrupted = false;
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!mine.output().isDone()) {
            synchronized (this) {
                while (running >= concurrency && !mine.output().isDone()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 && waiting.remove(mine)) {
                        mine.output().completeExceptionally(new TimeoutException(name + ": no batch took the call "
                                + "within " + maxWait));
                        break;
                    }
                    try {
                        // once past the deadline, the call is in a running batch: wait for it, as for one's own
                        TimeUnit.NANOSECONDS.timedWait(this, Math.max(left, TimeUnit.MILLISECONDS.toNanos(100)));
                    } catch (InterruptedException e) {
                        interrupted = true; // the call is queued: it runs, and its caller gets its output
                    }
                }
                if (mine.output().isDone()) {
                    break;
                }
                running++;
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
                    running--;
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
