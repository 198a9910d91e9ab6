package com.scanforpay.gateway.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.testing.GatewayProcess;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.Notifications;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notify callbacks on the packaged gateway: several instances sharing one PostgreSQL and one broker, and a
 * restart between two deliveries of the same notification.
 */
class NotifyCallbackIT {

    private static final Notifications NOTIFY = Notifications.ofTestStack();

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void twoInstancesReceivingTheSameNotificationsPublishOneResultPerOrderAndStatus() {
        List<String> orders = IntStream.range(0, 20).mapToObj(i -> OrderNumbers.next("ni")).toList();
        List<byte[]> notifications = new ArrayList<>();
        for (String order : orders) {
            notifications.add(NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100));
            notifications.add(NOTIFY.signed(order, OrderResult.STATUS_REFUNDED, 2100));
        }
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try (GatewayProcess first = GatewayProcess.start("notify-instance-1", GatewayTestStack.environment());
                GatewayProcess second = GatewayProcess.start("notify-instance-2", GatewayTestStack.environment())) {
            first.awaitReady();
            second.awaitReady();
            // each notification reaches both instances at once, as repeats behind a load balancer would
            List<CompletableFuture<Void>> deliveries = new ArrayList<>();
            for (byte[] notification : notifications) {
                for (GatewayProcess instance : List.of(first, second)) {
                    deliveries.add(CompletableFuture.runAsync(() -> deliverUntilSuccess(instance, notification),
                            senders));
                }
            }
            deliveries.forEach(CompletableFuture::join);
        } finally {
            senders.shutdownNow();
        }

        // every delivery was answered success, so every result is on Kafka: count what the tail has read
        TOPICS.results().awaitCaughtUp();
        for (String order : orders) {
            List<Received> published = TOPICS.results().withKey(order);
            List<String> outcomes = published.stream().map(r -> r.json().get("outcome").asText()).sorted().toList();
            assertEquals(List.of("REFUNDED", "SUCCESS"), outcomes, order);
            assertTrue(published.stream().allMatch(r -> "NOTIFY".equals(r.json().get("source").asText())
                    && r.json().get("orderAmount").asInt() == 2100), order);
            assertEquals(1, published.stream().map(Received::partition).distinct().count(),
                    "one partition for the results of one order: " + order);
        }
    }

    @Test
    void aRestartBetweenTwoDeliveriesDoesNotPublishAgain() {
        String order = OrderNumbers.next("ni");
        byte[] notification = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        try (GatewayProcess before = GatewayProcess.start("notify-before-restart", GatewayTestStack.environment())) {
            before.awaitReady();
            deliverUntilSuccess(before, notification);
        }
        TOPICS.results().awaitCaughtUp();
        assertEquals(1, TOPICS.results().withKey(order).size());
        JsonNode paid = TOPICS.results().jsonWithKey(order).get(0);
        assertEquals("SUCCESS", paid.get("outcome").asText());
        assertEquals("NOTIFY", paid.get("source").asText());

        try (GatewayProcess after = GatewayProcess.start("notify-after-restart", GatewayTestStack.environment())) {
            after.awaitReady();
            HttpResponse<String> answer = Notifications.post(after.baseUrl() + NotifyCallbackRoute.PATH,
                    notification);
            assertEquals(200, answer.statusCode());
            assertEquals("success", answer.body());
        }
        TOPICS.results().awaitCaughtUp();
        assertEquals(1, TOPICS.results().withKey(order).size(), "recognised as a repeat after the restart");
    }

    /** What ScanForPay does: post again until the answer is success. */
    private static void deliverUntilSuccess(GatewayProcess instance, byte[] notification) {
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .until(() -> Notifications.post(instance.baseUrl() + NotifyCallbackRoute.PATH, notification)
                        .statusCode() == 200);
    }
}
