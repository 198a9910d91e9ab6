package com.scanforpay.gateway.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.command.OffsetProgress.Fate;
import com.scanforpay.gateway.command.OffsetProgress.Rewind;
import com.scanforpay.gateway.command.OffsetProgress.Tracked;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Records finish in any order; a partition is committed up to its first record not done, and rewound there. */
class OffsetProgressTest {

    private static final TopicPartition P0 = new TopicPartition("commands", 0);
    private static final TopicPartition P1 = new TopicPartition("commands", 1);

    private final OffsetProgress progress = new OffsetProgress();

    @Test
    void recordsDoneInAnyOrderAreCommittedUpToTheFirstOneStillRunning() {
        Tracked a = progress.track(P0, 10);
        Tracked b = progress.track(P0, 11);
        Tracked c = progress.track(P0, 12);
        Tracked d = progress.track(P1, 4);

        c.finish(Fate.DONE);
        d.finish(Fate.DONE);
        assertEquals(Map.of(P1, 5L), progress.takeCommittable(), "10 still runs: nothing of P0 is committed");
        assertEquals(3, progress.size());
        assertEquals(2, progress.running());

        a.finish(Fate.DONE);
        assertEquals(Map.of(P0, 11L), progress.takeCommittable(), "11 still runs, though 12 is done");
        b.finish(Fate.DONE);
        assertEquals(Map.of(P0, 13L), progress.takeCommittable());
        assertEquals(Map.of(), progress.takeCommittable(), "nothing advanced since");
        assertEquals(0, progress.size());
        assertEquals(0, progress.running());
    }

    @Test
    void aRecordHeldBackStopsItsPartitionAndTheRewindStartsThere() {
        Tracked a = progress.track(P0, 10);
        Tracked b = progress.track(P0, 11);
        Tracked c = progress.track(P0, 12);
        Tracked d = progress.track(P1, 4);
        a.finish(Fate.DONE);
        b.finish(Fate.HELD);
        c.finish(Fate.DONE);
        d.finish(Fate.HELD);

        assertEquals(Map.of(P0, 11L), progress.takeCommittable());
        Rewind rewind = progress.rewind();

        assertEquals(Map.of(P0, 11L, P1, 4L), rewind.to(), "12 comes again with 11, in order");
        assertEquals(2, rewind.notDone());
        assertEquals(0, progress.size(), "everything after the rewind is fetched anew");
        assertEquals(Map.of(), progress.takeCommittable());
    }

    @Test
    void aFateIsSetOnceAndAForgottenRecordNoLongerCounts() {
        Tracked a = progress.track(P0, 10);
        Tracked b = progress.track(P1, 4);
        a.finish(Fate.HELD);
        a.finish(Fate.DONE);
        assertEquals(Fate.HELD, a.fate(), "the first fate stands");

        progress.forget(List.of(P1));
        assertEquals(0, progress.running(), "a record of a partition taken away is not waited for");
        b.finish(Fate.DONE);
        assertEquals(Map.of(), progress.takeCommittable(), "nor committed: it is the new owner's");
        assertEquals(1, progress.size());
    }

    @Test
    void waitingForAPartitionEndsWhenItsLastRunningRecordFinishes() throws Exception {
        Tracked a = progress.track(P0, 10);
        progress.track(P1, 4);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);

        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return progress.awaitNoneRunning(List.of(P0), deadline, () -> true);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(progress.awaitNoneRunning(List.of(P0), System.nanoTime(), () -> true), "10 still runs");
        a.finish(Fate.DONE);

        assertTrue(waited.get(30, TimeUnit.SECONDS), "P1's running record is not waited for");
    }

    @Test
    void aRecordWaitingBehindItsOrderIsHeldAndNeverStartsWhileOneStartedRunsOn() {
        Tracked started = progress.track(P0, 10);
        Tracked waiting = progress.track(P0, 11);
        Tracked elsewhere = progress.track(P1, 4);
        assertTrue(started.start());

        progress.holdWaiting(List.of(P0));

        assertEquals(Fate.RUNNING, started.fate(), "a started command finishes");
        assertEquals(Fate.HELD, waiting.fate());
        assertFalse(waiting.start(), "held before its turn came: it never starts here");
        assertEquals(Fate.RUNNING, elsewhere.fate(), "other partitions untouched");
        assertEquals(2, progress.running());
    }

    @Test
    void waitingEndsWhenTheCallerStopsWaiting() throws Exception {
        progress.track(P0, 10).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);

        assertFalse(progress.awaitNoneRunning(List.of(P0), deadline, () -> false));
    }
}
