package com.scanforpay.gateway.notify;

import static com.scanforpay.gateway.testing.GatewayTestStack.RESULTS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.Notifications;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /scanforpay/notify} over real HTTP, with the real broker and PostgreSQL behind it. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class NotifyCallbackTest {

    private static final Notifications NOTIFY = Notifications.ofTestStack();

    @TestHTTPResource(NotifyCallbackRoute.PATH)
    URL notifyUrl;
    @Inject
    PaymentLedger ledger;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void validNotifyIsPublishedOnceAndAnsweredSuccess() throws Exception {
        String order = newOrderNo();
        HttpResponse<String> answer = post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100));

        assertEquals(200, answer.statusCode());
        assertEquals("success", answer.body(), "exactly 'success', no newline");
        List<JsonNode> published = resultsOf(order);
        assertEquals(1, published.size(), "published before answering");
        JsonNode result = published.get(0);
        assertEquals("PAY", result.get("type").asText());
        assertEquals("SUCCESS", result.get("outcome").asText());
        assertEquals("NOTIFY", result.get("source").asText());
        assertEquals(2100, result.get("orderAmount").asInt());
    }

    @Test
    void repeatedNotifyIsAnsweredSuccessAndPublishesNothing() throws Exception {
        String order = newOrderNo();
        byte[] notification = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        assertEquals(200, post(notification).statusCode());

        HttpResponse<String> repeat = post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100));
        assertEquals(200, repeat.statusCode());
        assertEquals("success", repeat.body());
        assertOnlyOutcomesAfterMarker(order, "SUCCESS");
    }

    @Test
    void fiftyIdenticalNotifiesAtOncePublishOneResult() throws Exception {
        String order = newOrderNo();
        byte[] notification = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, 50)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        awaitLatch(start);
                        return post(notification);
                    }, pool)).toList();
            start.countDown();
            List<Integer> statuses = answers.stream().map(CompletableFuture::join).map(HttpResponse::statusCode)
                    .toList();
            // the repeats wait for the one being published, and are then recognised: none needs a retry
            assertEquals(List.of(200), statuses.stream().distinct().toList(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertOnlyOutcomesAfterMarker(order, "SUCCESS");
    }

    @Test
    void paidThenRefundedPublishesTwoResults() throws Exception {
        String order = newOrderNo();
        assertEquals(200, post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100)).statusCode());
        assertEquals(200, post(NOTIFY.signed(order, OrderResult.STATUS_REFUNDED, 2100)).statusCode());

        await().atMost(Duration.ofSeconds(30)).until(() -> TOPICS.results().withKey(order).size() >= 2);
        List<String> outcomes = outcomesOf(order);
        assertEquals(List.of("SUCCESS", "REFUNDED"), outcomes);
    }

    @Test
    void badNotificationsAreRefusedAndPublishNothing() throws Exception {
        String order = newOrderNo();
        byte[] valid = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        String text = new String(valid, StandardCharsets.UTF_8);

        byte[] tampered = text.replace("\"orderAmount\":2100", "\"orderAmount\":9100").getBytes(StandardCharsets.UTF_8);
        assertRefused(400, "bad signature", post(tampered));
        byte[] otherKey = new Notifications(GatewayTestStack.PARTNER_NO, "someone-elses-key")
                .signed(order, OrderResult.STATUS_PAID, 2100);
        assertRefused(400, "bad signature", post(otherKey));
        String unsigned = text.replaceAll(",\"signature\":\"[0-9a-f]+\"", "");
        assertRefused(400, "signature", post(unsigned.getBytes(StandardCharsets.UTF_8)));
        assertRefused(400, "not valid JSON", post("{\"response\": {".getBytes(StandardCharsets.UTF_8)));
        assertRefused(400, "malformed", post(new byte[0]));
        assertRefused(400, "status is missing", post(NOTIFY.signed(new OrderResult(1, "success", "SFP1", order,
                2100, "Alipay", null, null, "JPY", null, null))));
        assertRefused(400, "orderAmount is missing", post(NOTIFY.signed(order, OrderResult.STATUS_PAID, null)));
        // without code it would read as UNKNOWN while the payment is still open
        assertRefused(400, "code is missing", post(NOTIFY.signed(new OrderResult(null, "success", "SFP1", order,
                2100, "Alipay", 1, null, "JPY", null, null))));
        assertRefused(400, "malformed", post(("{\"response\":" + "[".repeat(1500) + "]".repeat(1500)
                + ",\"signature\":\"00\"}").getBytes(StandardCharsets.UTF_8)));
        assertRefused(400, "partnerOrderNo is missing", post(NOTIFY.signed(new OrderResult(1, "success", "SFP1",
                null, 2100, "Alipay", 1, null, "JPY", null, null))));
        byte[] oversize = new byte[9 * 1024];
        Arrays.fill(oversize, (byte) ' ');
        System.arraycopy(valid, 0, oversize, 0, valid.length);
        assertRefused(413, "larger than", post(oversize));

        assertOnlyOutcomesAfterMarker(order);
    }

    @Test
    void sandboxPaymentNotifiedTwiceYieldsOneSuccess() throws Exception {
        String order = newOrderNo();
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, """
                {"partnerOrderNo":"%s","barcode":"%s","orderAmount":2100}""".formatted(order,
                SandboxBarcodes.PAID));

        await().atMost(Duration.ofSeconds(30)).until(() -> GatewayTestStack.sandbox().notificationsDelivered()
                .stream().filter(notification -> order.equals(notification.partnerOrderNo())).count() == 2);
        assertOnlyOutcomesAfterMarker(order, "SUCCESS");
    }

    @Test
    void waitingPaymentEndsInOneFinalResultWhicheverOfNotifyAndQueryComesFirst() throws Exception {
        String order = newOrderNo();
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, """
                {"partnerOrderNo":"%s","barcode":"%s","orderAmount":2100}""".formatted(order,
                SandboxBarcodes.WAITING_THEN_PAID));

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(order)
                .map(entry -> entry.state() == PaymentState.SUCCESS && entry.nextCheckAt() == null).orElse(false));
        await().atMost(Duration.ofSeconds(30)).until(() -> GatewayTestStack.sandbox().notificationsDelivered()
                .stream().filter(notification -> order.equals(notification.partnerOrderNo())).count() == 2);
        assertOnlyOutcomesAfterMarker(order, "PENDING", "SUCCESS");
    }

    @Test
    void notifyWithAnotherAmountThanTheLedgerIsAnAlertNotAPayment() throws Exception {
        String order = newOrderNo();
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, """
                {"partnerOrderNo":"%s","barcode":"%s","orderAmount":2100}""".formatted(order,
                SandboxBarcodes.WAITING_THEN_FAILED));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(order).isPresent());

        HttpResponse<String> answer = post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 9100));
        assertEquals(200, answer.statusCode());
        assertEquals("success", answer.body());

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(order).orElseThrow().state().isFinal());
        assertEquals(PaymentState.FAILED, ledger.find(order).orElseThrow().state(), "never marked paid");
        TOPICS.results().awaitCaughtUp();
        List<String> outcomes = outcomesOf(order);
        assertEquals(List.of("PENDING", "FAILED"), outcomes);
        String metrics = Notifications.get(notifyUrl.toString().replace(NotifyCallbackRoute.PATH, "/q/metrics"));
        assertTrue(metrics.contains("scanforpay_notify_total{verdict=\"amount_mismatch\"}"), "counted");
    }

    /**
     * Everything published for {@code order} is exactly {@code expected}: a REFUNDED notify is sent last as a
     * marker, and since results of one order share a partition, nothing published before it can still be on its way.
     */
    private void assertOnlyOutcomesAfterMarker(String order, String... expected) throws Exception {
        assertEquals(200, post(NOTIFY.signed(order, OrderResult.STATUS_REFUNDED, 2100)).statusCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> TOPICS.results().withKey(order).stream()
                .anyMatch(record -> record.value().contains("\"outcome\":\"REFUNDED\"")));
        List<String> outcomes = new ArrayList<>(outcomesOf(order));
        assertEquals("REFUNDED", outcomes.remove(outcomes.size() - 1));
        assertEquals(List.of(expected), outcomes);
    }

    private static void assertRefused(int status, String reason, HttpResponse<String> answer) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains(reason), answer.body());
    }

    private List<JsonNode> resultsOf(String order) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !TOPICS.results().withKey(order).isEmpty());
        return TOPICS.results().jsonWithKey(order);
    }

    private List<String> outcomesOf(String order) {
        return resultsOf(order).stream().map(result -> result.get("outcome").asText()).toList();
    }

    private HttpResponse<String> post(byte[] body) {
        return Notifications.post(notifyUrl.toString(), body);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String newOrderNo() {
        return "nt" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
