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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    /** The batches run, as their inputs. */
    private final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());

    @Test
    void whatArrivesWhileABatchRunsGoesTogetherInTheNextInOrder() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Coalescer<Integer, String> coalescer = new Coalescer<>("test", 3, inputs -> {
            batches.add(inputs);
            if (inputs.contains(0)) {
                firstRunning.countDown();
                release.await();
            }
            return inputs.stream().map(i -> "out" + i).toList();
        })) {
            CompletableFuture<String> first = coalescer.submit(0);
            assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
            List<CompletableFuture<String>> waiting = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                waiting.add(coalescer.submit(i));
            }
            release.countDown();

            assertEquals("out0", first.get(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 5; i++) {
                assertEquals("out" + i, waiting.get(i - 1).get(5, TimeUnit.SECONDS), "each its own output");
            }
            assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5)), batches,
                    "nothing waits for company; then up to the maximum, in arrival order");
        }
    }

    @Test
    void aFailingBatchRunsEachAloneSoThatOnlyTheBadOneFails() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        IllegalArgumentException bad = new IllegalArgumentException("7 is bad");
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("test", 10, inputs -> {
            batches.add(inputs);
            release.await();
            if (inputs.contains(7)) {
                throw bad;
            }
            return inputs.stream().map(i -> i * 10).toList();
        })) {
            CompletableFuture<Integer> blocker = coalescer.submit(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
            CompletableFuture<Integer> six = coalescer.submit(6);
            CompletableFuture<Integer> seven = coalescer.submit(7);
            CompletableFuture<Integer> eight = coalescer.submit(8);
            release.countDown();

            assertEquals(10, blocker.get(5, TimeUnit.SECONDS));
            assertEquals(60, six.get(5, TimeUnit.SECONDS));
            assertEquals(80, eight.get(5, TimeUnit.SECONDS));
            CompletionException failed = assertThrows(CompletionException.class, seven::join);
            assertSame(bad, failed.getCause());
            assertEquals(List.of(List.of(1), List.of(6, 7, 8), List.of(6), List.of(7), List.of(8)), batches);
        }
    }

    @Test
    void aBatchWithTheWrongNumberOfOutputsFailsItsRequests() {
        try (Coalescer<Integer, Integer> coalescer = new Coalescer<>("test", 10, inputs -> List.of())) {
            CompletionException e = assertThrows(CompletionException.class, () -> coalescer.submit(1).join());
            assertEquals("test: 0 outputs for 1 inputs", e.getCause().getMessage());
        }
    }

    @Test
    void afterCloseNothingRunsAndEveryRequestIsRejected() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Coalescer<Integer, Integer> coalescer = new Coalescer<>("test", 10, inputs -> {
            batches.add(inputs);
            running.countDown();
            release.await();
            return inputs;
        });
        CompletableFuture<Integer> first = coalescer.submit(1);
        assertTrue(running.await(5, TimeUnit.SECONDS));
        CompletableFuture<Integer> queued = coalescer.submit(2);

        coalescer.close();
        release.countDown();

        assertInstanceOf(RejectedExecutionException.class,
                assertThrows(CompletionException.class, queued::join).getCause());
        assertInstanceOf(RejectedExecutionException.class,
                assertThrows(CompletionException.class, () -> coalescer.submit(3).join()).getCause());
        // the batch running at close ends, one way or the other (here: its wait is interrupted)
        await().atMost(Duration.ofSeconds(5)).until(first::isDone);
        assertEquals(List.of(List.of(1)), batches);
    }
}
