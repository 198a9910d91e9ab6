package com.scanforpay.gateway.bench;

import com.scanforpay.gateway.testing.Notifications;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * Signed notify callbacks (as ScanForPay sends them, {@link Notifications}) POSTed to a gateway's
 * {@code /scanforpay/notify} with the JDK HttpClient, asynchronously: a burst with a fixed number in flight, or a
 * fixed rate. Bodies are signed before the clock starts. Every answer must be {@code 200 success}.
 */
final class NotifyLoad {

    record Outcome(double rate, LatencyStats latency) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final Notifications notifications;
    private final int amount;

    NotifyLoad(String gatewayBaseUrl, String partnerNo, String signKey, int amount) {
        this.endpoint = URI.create(gatewayBaseUrl + "/scanforpay/notify");
        this.notifications = new Notifications(partnerNo, signKey);
        this.amount = amount;
    }

    /** All of {@code orders}, at most {@code concurrency} in flight. */
    Outcome burst(List<String> orders, int concurrency) {
        byte[][] bodies = sign(orders);
        long[] sent = new long[orders.size()];
        long[] answered = new long[orders.size()];
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(concurrency);
        CompletableFuture<?>[] calls = new CompletableFuture<?>[orders.size()];
        for (int i = 0; i < orders.size(); i++) {
            slots.acquireUninterruptibly();
            int index = i;
            sent[i] = System.nanoTime();
            calls[i] = post(bodies[i]).handle((response, error) -> {
                answered[index] = System.nanoTime();
                slots.release();
                check(orders.get(index), response, error, failures);
                return null;
            });
        }
        CompletableFuture.allOf(calls).join();
        requireNoFailures(failures, orders.size());
        long last = 0;
        for (long t : answered) {
            last = Math.max(last, t);
        }
        return new Outcome(LatencyStats.perSecond(orders.size(), sent[0], last), LatencyStats.of(roundTrips(sent,
                answered)));
    }

    /** One every 1/rate s, whatever is in flight. */
    Outcome paced(List<String> orders, double rate) {
        byte[][] bodies = sign(orders);
        long[] sent = new long[orders.size()];
        long[] answered = new long[orders.size()];
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CompletableFuture<?>[] calls = new CompletableFuture<?>[orders.size()];
        long interval = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        for (int i = 0; i < orders.size(); i++) {
            Benchmark.awaitSlot(start, interval, i);
            int index = i;
            sent[i] = System.nanoTime();
            calls[i] = post(bodies[i]).handle((response, error) -> {
                answered[index] = System.nanoTime();
                check(orders.get(index), response, error, failures);
                return null;
            });
        }
        CompletableFuture.allOf(calls).join();
        requireNoFailures(failures, orders.size());
        return new Outcome(rate, LatencyStats.of(roundTrips(sent, answered)));
    }

    private byte[][] sign(List<String> orders) {
        byte[][] bodies = new byte[orders.size()][];
        for (int i = 0; i < orders.size(); i++) {
            bodies[i] = notifications.signed(orders.get(i), 1, amount);
        }
        return bodies;
    }

    private CompletableFuture<HttpResponse<String>> post(byte[] body) {
        return http.sendAsync(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void check(String order, HttpResponse<String> response, Throwable error,
            ConcurrentLinkedQueue<String> failures) {
        if (error != null) {
            failures.add(order + ": " + error);
        } else if (response.statusCode() != 200 || !"success".equals(response.body())) {
            failures.add(order + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private static void requireNoFailures(ConcurrentLinkedQueue<String> failures, int of) {
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " of " + of + " notifies not answered 200 success, e.g. "
                    + failures.stream().limit(5).toList());
        }
    }

    private static long[] roundTrips(long[] sent, long[] answered) {
        long[] trips = new long[sent.length];
        for (int i = 0; i < sent.length; i++) {
            trips[i] = answered[i] - sent[i];
        }
        return trips;
    }
}
