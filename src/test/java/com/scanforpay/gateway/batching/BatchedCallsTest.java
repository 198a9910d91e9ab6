package com.scanforpay.gateway.batching;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class BatchedCallsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The batches run: their inputs, and the thread that ran each. */
    private final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> runners = Collections.synchronizedSet(new HashSet<>());

    @Test
    void aCallAloneRunsAtOnceOnItsOwnThread() {
        BatchedCalls<Integer, String> calls = new BatchedCalls<>("test", 10, 1, WAIT, inputs -> {
            batches.add(inputs);
            runners.add(Thread.currentThread().getName());
            return inputs.stream().map(i -> "out" + i).toList();
        });

        assertEquals("out1", calls.call(1));
        assertEquals("out2", calls.call(2));

        assertEquals(List.of(List.of(1), List.of(2)), batches, "nothing waits for company");
        assertEquals(Set.of(Thread.currentThread().getName()), runners, "no thread handed anything");
    }

    @Test
    void callsArrivingWhileABatchRunsGoTogetherIntoTheNextRunByOneOfThem() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchedCalls<Integer, String> calls = new BatchedCalls<>("test", 3, 1, WAIT, inputs -> {
            batches.add(List.copyOf(inputs));
            if (inputs.contains(0)) {
                firstRunning.countDown();
                release.await();
            }
            return inputs.stream().map(i -> "out" + i).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            Future<String> first = callers.submit(() -> calls.call(0));
            assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
            List<Future<String>> later = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                int input = i;
                later.add(callers.submit(() -> calls.call(input)));
            }
            // all five wait for the running batch
            await().atMost(Duration.ofSeconds(5)).until(() -> waitingThreads() == 5);
            release.countDown();

            assertEquals("out0", first.get(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 5; i++) {
                assertEquals("out" + i, later.get(i - 1).get(5, TimeUnit.SECONDS), "each its own output");
            }
            assertEquals(3, batches.size(), "the first, then the five in two batches of at most three: " + batches);
            assertEquals(List.of(0), batches.get(0));
            assertEquals(3, batches.get(1).size());
            assertEquals(2, batches.get(2).size());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aFailingBatchFailsOnlyTheCallThatBroughtTheFailure() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        IllegalArgumentException bad = new IllegalArgumentException("7 is bad");
        BatchedCalls<Integer, Integer> calls = new BatchedCalls<>("test", 10, 1, WAIT, inputs -> {
            batches.add(List.copyOf(inputs));
            release.await();
            if (inputs.contains(7)) {
                throw bad;
            }
            return inputs.stream().map(i -> i * 10).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<Integer> blocker = callers.submit(() -> calls.call(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
            Future<Integer> six = callers.submit(() -> calls.call(6));
            Future<Integer> seven = callers.submit(() -> {
                try {
                    return calls.call(7);
                } catch (IllegalArgumentException e) {
                    assertSame(bad, e, "the caller gets the failure itself");
                    return -1;
                }
            });
            Future<Integer> eight = callers.submit(() -> calls.call(8));
            await().atMost(Duration.ofSeconds(5)).until(() -> waitingThreads() == 3);
            release.countDown();

            assertEquals(10, blocker.get(5, TimeUnit.SECONDS));
            assertEquals(60, six.get(5, TimeUnit.SECONDS));
            assertEquals(-1, seven.get(5, TimeUnit.SECONDS));
            assertEquals(80, eight.get(5, TimeUnit.SECONDS));
            assertEquals(5, batches.size(), "the blocker, the three together, then each alone: " + batches);
            assertEquals(Set.of(6, 7, 8), Set.copyOf(batches.get(1)));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void upToTheConcurrencyCallsRunAloneInParallel() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        BatchedCalls<Integer, Integer> calls = new BatchedCalls<>("test", 10, 2, WAIT, inputs -> {
            batches.add(List.copyOf(inputs));
            bothRunning.countDown();
            assertTrue(bothRunning.await(5, TimeUnit.SECONDS), "the other call runs at the same time");
            return inputs;
        });
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> one = callers.submit(() -> calls.call(1));
            Future<Integer> two = callers.submit(() -> calls.call(2));

            assertEquals(1, one.get(10, TimeUnit.SECONDS));
            assertEquals(2, two.get(10, TimeUnit.SECONDS));
            assertEquals(Set.of(List.of(1), List.of(2)), Set.copyOf(batches));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aCallNoBatchTakesInTimeIsWithdrawnAndFailsAsATimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BatchedCalls<Integer, Integer> calls = new BatchedCalls<>("test", 10, 1, Duration.ofMillis(200), inputs -> {
            batches.add(List.copyOf(inputs));
            release.await(); // a statement that hangs
            return inputs;
        });
        ExecutorService callers = Executors.newFixedThreadPool(1);
        try {
            Future<Integer> hanging = callers.submit(() -> calls.call(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);

            CompletionException late = assertThrows(CompletionException.class, () -> calls.call(2));
            assertInstanceOf(TimeoutException.class, late.getCause());
            assertEquals("test: no batch took the call within PT0.2S", late.getCause().getMessage());

            release.countDown();
            assertEquals(1, hanging.get(5, TimeUnit.SECONDS), "the call a batch took is waited for");
            assertEquals(List.of(List.of(1)), batches, "the withdrawn call never ran");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void anOutageFailsTheWholeBatchAtOnceWithoutAStatementPerCall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SQLException down = new SQLException("connection refused", "08001");
        BatchedCalls<Integer, Integer> calls = new BatchedCalls<>("test", 10, 1, WAIT, inputs -> {
            batches.add(List.copyOf(inputs));
            release.await();
            if (batches.size() > 1) {
                throw new IllegalStateException("store unavailable", down);
            }
            return inputs;
        });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<Integer> blocker = callers.submit(() -> calls.call(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
            List<Future<Integer>> later = new ArrayList<>();
            for (int i = 2; i <= 4; i++) {
                int input = i;
                later.add(callers.submit(() -> calls.call(input)));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> waitingThreads() == 3);
            release.countDown();

            assertEquals(1, blocker.get(5, TimeUnit.SECONDS));
            for (Future<Integer> call : later) {
                ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
                assertSame(down, failed.getCause().getCause(), "each call fails with the outage");
            }
            assertEquals(2, batches.size(), "one statement for the three, not one each: " + batches);
        } finally {
            callers.shutdownNow();
        }
    }

    /** How many threads wait in {@link BatchedCalls#call} for another caller's batch. */
    private static long waitingThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.TIMED_WAITING)
                .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(frame ->
                        frame.getClassName().equals(BatchedCalls.class.getName())
                                && frame.getMethodName().equals("call"))
                        && java.util.Arrays.stream(e.getValue()).anyMatch(frame ->
                        frame.getMethodName().equals("wait")))
                .count();
    }
}
