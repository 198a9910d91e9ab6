package com.scanforpay.gateway.command;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Which polled records of each partition of the commands topic are done. Records run concurrently and finish in any
 * order; a partition is committed only up to its first record that is not done, so a crash, a rebalance or an
 * outage delivers again exactly the records without an acknowledged result (and those behind them), in order.
 *
 * <p>Tracking (which records, in which order) belongs to the consumer thread; a record's {@link Fate} is set by
 * whichever thread finishes it.
 */
final class OffsetProgress {

    /** What became of one polled record. */
    enum Fate {
        /** Started, not finished. */
        RUNNING,
        /** Processed, or dead-lettered: its offset may be committed. */
        DONE,
        /** Held back (an outage, or the gateway stopping): delivered again. */
        HELD
    }

    /** One polled record's place and fate. */
    final class Tracked {
        final TopicPartition partition;
        final long offset;
        private volatile Fate fate = Fate.RUNNING;
        private volatile boolean started;

        private Tracked(TopicPartition partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        Fate fate() {
            return fate;
        }

        /**
         * Called when the record's command is about to start (it may have waited behind its order's previous
         * one): false if it was held back or forgotten meanwhile, and then it must not start.
         */
        boolean start() {
            synchronized (OffsetProgress.this) {
                if (fate != Fate.RUNNING) {
                    return false;
                }
                started = true;
                return true;
            }
        }

        boolean started() {
            return started;
        }

        /** Sets the fate of a running record once; later calls are ignored. */
        void finish(Fate outcome) {
            synchronized (OffsetProgress.this) {
                if (fate != Fate.RUNNING || outcome == Fate.RUNNING) {
                    return;
                }
                fate = outcome;
                running.decrementAndGet();
                OffsetProgress.this.notifyAll();
            }
        }
    }

    private final Map<TopicPartition, ArrayDeque<Tracked>> open = new HashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private int size;

    /** Tracks a polled record, running; records of a partition are tracked in offset order. */
    Tracked track(TopicPartition partition, long offset) {
        Tracked tracked = new Tracked(partition, offset);
        running.incrementAndGet();
        open.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(tracked);
        size++;
        return tracked;
    }

    /** Records running now, in every partition. */
    int running() {
        return running.get();
    }

    /** Records tracked (running, or finished and not yet committed). */
    int size() {
        return size;
    }

    /**
     * For each partition whose first records are done: the offset to commit (after the last of them), and those
     * records are forgotten. A record not done stops its partition's prefix, however many after it are done.
     */
    Map<TopicPartition, Long> takeCommittable() {
        return takeCommittable(open.keySet());
    }

    /** {@link #takeCommittable()} for {@code partitions} only. */
    Map<TopicPartition, Long> takeCommittable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> commit = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            ArrayDeque<Tracked> records = open.get(partition);
            while (records != null && !records.isEmpty() && records.peekFirst().fate() == Fate.DONE) {
                commit.put(partition, records.pollFirst().offset + 1);
                size--;
            }
        }
        return commit;
    }

    /**
     * Forgets everything tracked, to be delivered again: per partition, the first record not done (where it is to
     * be rewound); records done behind it come again with it. Call when nothing runs.
     */
    Rewind rewind() {
        Map<TopicPartition, Long> to = new LinkedHashMap<>();
        int notDone = 0;
        for (Map.Entry<TopicPartition, ArrayDeque<Tracked>> partition : open.entrySet()) {
            for (Tracked record : partition.getValue()) {
                if (record.fate() != Fate.DONE) {
                    to.putIfAbsent(partition.getKey(), record.offset);
                    notDone++;
                }
            }
        }
        forget(List.copyOf(open.keySet()));
        return new Rewind(to, notDone);
    }

    /** Where each partition is rewound to, and how many records were not done. */
    record Rewind(Map<TopicPartition, Long> to, int notDone) {
    }

    /** Forgets {@code partitions} (taken away by a rebalance): their records are the new owner's. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            ArrayDeque<Tracked> records = open.remove(partition);
            if (records == null) {
                continue;
            }
            size -= records.size();
            // a record still running finishes on its own; it is no longer counted here
            records.forEach(this::hold);
        }
    }

    /**
     * Holds back the records of {@code partitions} that have not started (waiting behind their order's previous
     * command): they never start here, and are delivered again.
     */
    synchronized void holdWaiting(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            ArrayDeque<Tracked> records = open.get(partition);
            if (records != null) {
                for (Tracked record : records) {
                    if (!record.started) {
                        hold(record);
                    }
                }
            }
        }
        notifyAll();
    }

    /** Counts a running record as held (not done, and no longer running). */
    private synchronized void hold(Tracked record) {
        if (record.fate == Fate.RUNNING) {
            record.fate = Fate.HELD;
            running.decrementAndGet();
        }
    }

    /** Whether a record of {@code partitions} is running. */
    boolean anyRunning(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            ArrayDeque<Tracked> records = open.get(partition);
            if (records != null) {
                for (Tracked record : records) {
                    if (record.fate() == Fate.RUNNING) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Waits until no record of {@code partitions} runs, until {@code deadline} (nanoTime), or until
     * {@code keepWaiting} says no; true if none runs.
     */
    boolean awaitNoneRunning(Collection<TopicPartition> partitions, long deadline, BooleanSupplier keepWaiting)
            throws InterruptedException {
        synchronized (this) {
            while (anyRunning(partitions)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !keepWaiting.getAsBoolean()) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        }
    }
}
