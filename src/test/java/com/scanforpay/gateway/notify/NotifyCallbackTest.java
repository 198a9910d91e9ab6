package com.scanforpay.gateway.notify;

import static com.scanforpay.gateway.testing.GatewayTestStack.RESULTS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.Notifications;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.Arrays;
import java.util.List;
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
    @Inject
    MeterRegistry meters;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void validNotifyIsPublishedOnceAndAnsweredSuccess() throws Exception {
        String order = OrderNumbers.next("nt");
        TOPICS.awaitQuiet(); // only this test's notification can be counted ACCEPTED below
        double accepted = verdicts(NotifyVerdict.ACCEPTED);
        HttpResponse<String> answer = post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100));

        assertEquals(200, answer.statusCode());
        assertEquals("success", answer.body(), "exactly 'success', no newline");
        List<JsonNode> published = publishedFor(order);
        assertEquals(1, published.size(), "published before answering, once: " + published);
        JsonNode result = published.get(0);
        assertEquals("PAY", result.get("type").asText());
        assertEquals("SUCCESS", result.get("outcome").asText());
        assertEquals("NOTIFY", result.get("source").asText());
        assertEquals(1, result.get("status").asInt());
        assertEquals(2100, result.get("orderAmount").asInt());
        assertEquals("JPY", result.get("currency").asText());
        assertEquals(1.0, verdicts(NotifyVerdict.ACCEPTED) - accepted);
    }

    @Test
    void repeatedNotifyIsAnsweredSuccessAndPublishesNothing() throws Exception {
        String order = OrderNumbers.next("nt");
        byte[] notification = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        assertEquals(200, post(notification).statusCode());

        HttpResponse<String> repeat = post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100));
        assertEquals(200, repeat.statusCode());
        assertEquals("success", repeat.body());
        assertEquals(List.of("SUCCESS"), outcomesOf(order));
    }

    @Test
    void fiftyIdenticalNotifiesAtOncePublishOneResult() throws Exception {
        String order = OrderNumbers.next("nt");
        byte[] notification = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        TOPICS.awaitQuiet(); // only this test's notifications can be counted ACCEPTED below
        double accepted = verdicts(NotifyVerdict.ACCEPTED);
        double retryLater = verdicts(NotifyVerdict.RETRY_LATER);
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
        assertEquals(List.of("SUCCESS"), outcomesOf(order));
        assertEquals(50.0, verdicts(NotifyVerdict.ACCEPTED) - accepted);
        assertEquals(0.0, verdicts(NotifyVerdict.RETRY_LATER) - retryLater);
    }

    @Test
    void paidThenRefundedPublishesTwoResults() throws Exception {
        String order = OrderNumbers.next("nt");
        assertEquals(200, post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100)).statusCode());
        assertEquals(200, post(NOTIFY.signed(order, OrderResult.STATUS_REFUNDED, 2100)).statusCode());

        List<JsonNode> published = publishedFor(order);
        assertEquals(List.of("SUCCESS/1", "REFUNDED/3"), published.stream()
                .map(result -> result.get("outcome").asText() + "/" + result.get("status").asInt()).toList());
        assertTrue(published.stream().allMatch(result -> "NOTIFY".equals(result.get("source").asText())
                && "PAY".equals(result.get("type").asText())), published.toString());
    }

    @Test
    void badNotificationsAreRefusedAndPublishNothing() throws Exception {
        String order = OrderNumbers.next("nt");
        byte[] valid = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        String text = new String(valid, StandardCharsets.UTF_8);

        byte[] tampered = text.replace("\"orderAmount\":2100", "\"orderAmount\":9100")
                .getBytes(StandardCharsets.UTF_8);
        assertRefused(400, "bad signature", NotifyVerdict.BAD_SIGNATURE, tampered);
        byte[] otherKey = new Notifications(GatewayTestStack.PARTNER_NO, "someone-elses-key")
                .signed(order, OrderResult.STATUS_PAID, 2100);
        assertRefused(400, "bad signature", NotifyVerdict.BAD_SIGNATURE, otherKey);
        byte[] otherPartner = new Notifications("99999", GatewayTestStack.SIGN_KEY)
                .signed(order, OrderResult.STATUS_PAID, 2100);
        assertRefused(400, "partner", NotifyVerdict.UNKNOWN_PARTNER, otherPartner);
        String unsigned = text.replaceAll(",\"signature\":\"[0-9a-f]+\"", "");
        assertRefused(400, "signature is missing", NotifyVerdict.BAD_SIGNATURE,
                unsigned.getBytes(StandardCharsets.UTF_8));
        assertRefused(400, "not valid JSON", NotifyVerdict.MALFORMED,
                "{\"response\": {".getBytes(StandardCharsets.UTF_8));
        assertRefused(400, "malformed", NotifyVerdict.MALFORMED, new byte[0]);
        assertRefused(400, "status is missing", NotifyVerdict.MALFORMED, NOTIFY.signed(new OrderResult(1, "success",
                "SFP1", order, 2100, "Alipay", null, null, "JPY", null, null)));
        assertRefused(400, "orderAmount is missing", NotifyVerdict.MALFORMED,
                NOTIFY.signed(order, OrderResult.STATUS_PAID, null));
        // without code it would read as UNKNOWN while the payment is still open
        assertRefused(400, "code is missing", NotifyVerdict.MALFORMED, NOTIFY.signed(new OrderResult(null, "success",
                "SFP1", order, 2100, "Alipay", 1, null, "JPY", null, null)));
        assertRefused(400, "malformed", NotifyVerdict.MALFORMED, ("{\"response\":" + "[".repeat(1500)
                + "]".repeat(1500) + ",\"signature\":\"00\"}").getBytes(StandardCharsets.UTF_8));
        assertRefused(400, "partnerOrderNo is missing", NotifyVerdict.MALFORMED, NOTIFY.signed(new OrderResult(1,
                "success", "SFP1", null, 2100, "Alipay", 1, null, "JPY", null, null)));
        byte[] oversize = new byte[9 * 1024];
        Arrays.fill(oversize, (byte) ' ');
        System.arraycopy(valid, 0, oversize, 0, valid.length);
        assertRefused(413, "larger than", NotifyVerdict.TOO_LARGE, oversize);

        TOPICS.results().awaitCaughtUp();
        assertEquals(List.of(), TOPICS.results().withKey(order), "refused before anything was published");
        assertTrue(ledger.find(order).isEmpty());
    }

    @Test
    void sandboxPaymentNotifiedTwiceYieldsOneSuccess() throws Exception {
        String order = OrderNumbers.next("nt");
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, """
                {"partnerOrderNo":"%s","barcode":"%s","orderAmount":2100}""".formatted(order,
                SandboxBarcodes.PAID));

        awaitBothNotificationsTaken(order);
        TOPICS.awaitSettled();
        JsonNode paid = TOPICS.onlyResult(order);
        assertEquals("SUCCESS", paid.get("outcome").asText());
        assertEquals(2100, paid.get("orderAmount").asInt());
        assertEquals(GatewayTestStack.sandbox().order(order).orElseThrow().orderNo(), paid.get("orderNo").asText());
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void waitingPaymentEndsInOneFinalResultWhicheverOfNotifyAndQueryComesFirst() throws Exception {
        String order = OrderNumbers.next("nt");
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, """
                {"partnerOrderNo":"%s","barcode":"%s","orderAmount":2100}""".formatted(order,
                SandboxBarcodes.WAITING_THEN_PAID));

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(order)
                .map(entry -> entry.state() == PaymentState.SUCCESS && entry.nextCheckAt() == null).orElse(false));
        awaitBothNotificationsTaken(order);
        TOPICS.awaitSettled();
        List<JsonNode> published = TOPICS.results().jsonWithKey(order);
        assertEquals(List.of("PENDING/0", "SUCCESS/1"), published.stream()
                .map(result -> result.get("outcome").asText() + "/" + result.get("status").asInt()).toList());
    }

    @Test
    void notifyWithAnotherAmountThanTheLedgerIsAnAlertNotAPayment() throws Exception {
        String order = OrderNumbers.next("nt");
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, """
                {"partnerOrderNo":"%s","barcode":"%s","orderAmount":2100}""".formatted(order,
                SandboxBarcodes.WAITING_THEN_FAILED));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(order).isPresent());
        double mismatches = verdicts(NotifyVerdict.AMOUNT_MISMATCH);

        HttpResponse<String> answer = post(NOTIFY.signed(order, OrderResult.STATUS_PAID, 9100));
        assertEquals(200, answer.statusCode());
        assertEquals("success", answer.body());
        assertEquals(1.0, verdicts(NotifyVerdict.AMOUNT_MISMATCH) - mismatches, "counted once, before answering");

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.find(order).orElseThrow().state().isFinal());
        assertEquals(PaymentState.FAILED, ledger.find(order).orElseThrow().state(), "never marked paid");
        awaitBothNotificationsTaken(order);
        TOPICS.awaitSettled();
        assertEquals(List.of("PENDING", "FAILED"), TOPICS.results().fieldsWithKey(order, "outcome"));
        assertEquals(1.0, verdicts(NotifyVerdict.AMOUNT_MISMATCH) - mismatches, "the sandbox's own are no mismatch");
    }

    /** The sandbox's two notifications of {@code order} were answered {@code success}: both were taken. */
    private static void awaitBothNotificationsTaken(String order) {
        await().atMost(Duration.ofSeconds(30)).until(() -> GatewayTestStack.sandbox().notificationsDelivered()
                .stream().filter(notification -> order.equals(notification.partnerOrderNo())).count() == 2);
    }

    /** The notify callbacks counted with {@code verdict} so far ({@code scanforpay_notify_total}). */
    private double verdicts(NotifyVerdict verdict) {
        var counter = meters.find("scanforpay.notify").tag("verdict", verdict.name().toLowerCase()).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Refused with this status, a reason naming the problem, and counted under this verdict once. */
    private void assertRefused(int status, String reason, NotifyVerdict verdict, byte[] notification) {
        double before = verdicts(verdict);
        HttpResponse<String> answer = post(notification);
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains(reason), answer.body());
        assertEquals(1.0, verdicts(verdict) - before, verdict + " counted once: " + answer.body());
    }

    /**
     * Everything published for {@code order} by notify callbacks already answered: a notify is published before it
     * is answered, so once the results tail has caught up with the topic, nothing of theirs can still come.
     */
    private List<JsonNode> publishedFor(String order) {
        TOPICS.results().awaitCaughtUp();
        return TOPICS.results().jsonWithKey(order);
    }

    private List<String> outcomesOf(String order) {
        return publishedFor(order).stream().map(result -> result.get("outcome").asText()).toList();
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
}
