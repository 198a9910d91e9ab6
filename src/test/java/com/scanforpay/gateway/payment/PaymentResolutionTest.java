package com.scanforpay.gateway.payment;

import static com.scanforpay.gateway.testing.GatewayTestStack.COMMANDS;
import static com.scanforpay.gateway.testing.GatewayTestStack.RESULTS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.PaymentUpdate;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.notify.NotifyCallbackRoute;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.Notifications;
import com.scanforpay.gateway.testing.WithoutNotifyUrl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every payment ends in a known, published state, and nothing is paid twice: the ledger, the resolver's
 * queries and the QUERY/REFUND rules, against the real broker, PostgreSQL and the sandbox. Without notifyUrl,
 * so that queries (not notifications) settle the payments here.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(WithoutNotifyUrl.class)
class PaymentResolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    PaymentLedger ledger;
    @Inject
    DataSource dataSource;
    @Inject
    ProducerTemplate producer;
    @TestHTTPResource(NotifyCallbackRoute.PATH)
    URL notifyUrl;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void waitingThenPaidIsPendingThenSuccessFromTheQueryAndALateNotifyChangesNothing() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.WAITING_THEN_PAID, 2100);

        assertEquals(List.of("PENDING/PAY_RESPONSE", "SUCCESS/QUERY"), awaitOutcomes(order, 2));
        assertEquals(PaymentState.SUCCESS, ledger.find(order).orElseThrow().state());
        assertEquals(null, ledger.find(order).orElseThrow().nextCheckAt(), "polling stopped");

        // poll before notify: the notification that follows is a recognised repeat
        var answer = Notifications.post(notifyUrl.toString(), Notifications.ofTestStack().signed(order,
                OrderResult.STATUS_PAID, 2100));
        assertEquals("success", answer.body());
        TOPICS.results().awaitCaughtUp();
        assertEquals(2, TOPICS.results().withKey(order).size(), "nothing published for the late notify");
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void waitingThenFailedIsPendingThenFailed() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.WAITING_THEN_FAILED, 2100);

        assertEquals(List.of("PENDING/PAY_RESPONSE", "FAILED/QUERY"), awaitOutcomes(order, 2));
    }

    @Test
    void inconclusiveAnswersAreSettledByQueryingNeverByPayingAgain() throws Exception {
        String timeout = newOrderNo();
        String malformed = newOrderNo();
        String badSignature = newOrderNo();
        pay(timeout, SandboxBarcodes.SLOW, 2100);
        pay(malformed, SandboxBarcodes.MALFORMED, 2100);
        pay(badSignature, SandboxBarcodes.BAD_SIGNATURE, 2100);

        for (String order : List.of(timeout, malformed, badSignature)) {
            assertEquals(List.of("SUCCESS/QUERY"), awaitOutcomes(order, 1), order);
            assertEquals(1, GatewayTestStack.sandbox().payCalls(order), "paid once: " + order);
        }
    }

    @Test
    void orderUnknownToTheProviderIsPaidOnceMoreThenUnknownAtTheDeadline() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.HTTP_500, 2100);

        JsonNode result = awaitResults(order, 1).get(0);
        assertEquals("UNKNOWN", result.get("outcome").asText());
        assertTrue(result.get("msg").asText().contains("no such order"), result.toString());
        assertEquals(2, GatewayTestStack.sandbox().payCalls(order), "the one permitted re-send after code 30");
        assertEquals(PaymentState.UNKNOWN, ledger.find(order).orElseThrow().state());
    }

    @Test
    void repeatedPayCommandsNeverPayTwice() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.PAID, 2100);
        pay(order, SandboxBarcodes.PAID, 2100); // same batch, most likely
        assertEquals(List.of("SUCCESS/PAY_RESPONSE"), awaitOutcomes(order, 1));
        pay(order, SandboxBarcodes.PAID, 2100); // after the final result

        TOPICS.kafka().awaitConsumed("scanforpay-gateway", COMMANDS);
        TOPICS.results().awaitCaughtUp();
        assertEquals(1, TOPICS.results().withKey(order).size(), "the stored result is not published again");
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void anOrderNumberReusedForAnotherAmountIsRejectedNotPaid() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        pay(order, SandboxBarcodes.PAID, 2500);

        JsonNode rejected = awaitResults(order, 2).get(1);
        assertEquals("REJECTED", rejected.get("outcome").asText());
        assertEquals("orderAmount", rejected.get("errors").get(0).get("field").asText());
        assertTrue(rejected.get("msg").asText().contains("already used"), rejected.toString());
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void refundsAreCheckedAgainstThePaidAmountAndNeverRepeated() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);

        String first = "rf" + order.substring(2);
        refund(order, first, 1000);
        JsonNode refunded = awaitResults(order, 2).get(1);
        assertEquals("REFUND", refunded.get("type").asText());
        assertEquals("SUCCESS", refunded.get("outcome").asText());
        assertEquals(first, refunded.get("refundNo").asText());

        refund(order, "rx" + order.substring(2), 1200);
        JsonNode tooMuch = awaitResults(order, 3).get(2);
        assertEquals("REJECTED", tooMuch.get("outcome").asText());
        assertTrue(tooMuch.get("msg").asText().contains("exceed"), tooMuch.toString());

        refund(order, first, 1000);
        awaitResults(order, 4);
        assertEquals(1, refundCalls(order), "one refund call: the excess refused before calling, the repeat not sent");
    }

    @Test
    void aRefundCutOffMidCallIsUnknownWhenRedeliveredAndNeverSentAgain() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        // as if the gateway died during the refund call: recorded REFUNDING, no answer; Kafka delivers it again
        String refundNo = "rc" + order.substring(2);
        ledger.admitRefund(refundNo, order, 500);
        refund(order, refundNo, 500);

        JsonNode unknown = awaitResults(order, 2).get(1);
        assertEquals("REFUND", unknown.get("type").asText());
        assertEquals("UNKNOWN", unknown.get("outcome").asText());
        assertEquals(refundNo, unknown.get("refundNo").asText());
        assertEquals(0, refundCalls(order), "never sent again: it could refund twice");
    }

    @Test
    void aRefundOfAnUnpaidOrderIsRejected() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.DECLINED, 2100);
        assertEquals(List.of("FAILED/PAY_RESPONSE"), awaitOutcomes(order, 1));

        refund(order, "rf" + order.substring(2), 100);
        JsonNode rejected = awaitResults(order, 2).get(1);
        assertEquals("REJECTED", rejected.get("outcome").asText());
        assertTrue(rejected.get("msg").asText().contains("not paid"), rejected.toString());
        assertEquals(0, refundCalls(order));
    }

    @Test
    void refundsReachingThePaidAmountPublishTheRefundedPaymentOnceAndEndItsSchedule() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        refund(order, "ra" + order.substring(2), 1000);
        refund(order, "rb" + order.substring(2), 1100);

        await().atMost(WAIT).until(() -> ledger.find(order).orElseThrow().state() == PaymentState.REFUNDED
                && ledger.find(order).orElseThrow().nextCheckAt() == null);
        TOPICS.kafka().awaitConsumed("scanforpay-gateway", COMMANDS);
        TOPICS.results().awaitCaughtUp();

        assertEquals(List.of("PAY/SUCCESS", "REFUND/SUCCESS", "REFUND/SUCCESS", "PAY/REFUNDED"),
                TOPICS.results().fieldsWithKey(order, "type", "outcome"), "the payment's refunded state, once");
        JsonNode refunded = TOPICS.results().jsonWithKey(order).get(3);
        assertEquals("REFUND_RESPONSE", refunded.get("source").asText());
        assertEquals(3, refunded.get("status").asInt());
        assertEquals(2100, refunded.get("orderAmount").asInt());
        assertEquals("REFUNDED", JSON.readTree(ledger.find(order).orElseThrow().finalResult()).get("outcome")
                .asText(), "a repeated PAY is answered with it");
    }

    @Test
    void aRefundAnsweredProcessingIsPendingUntilItsDeadlineThenUnknownAndStillCounted() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        String processing = SandboxBarcodes.PROCESSING_REFUND_PREFIX + order.substring(2, 20);

        refund(order, processing, 2000);

        assertEquals(List.of("SUCCESS/PAY_RESPONSE", "PENDING/REFUND_RESPONSE", "UNKNOWN/REFUND_RESPONSE"),
                awaitOutcomes(order, 3), "UNKNOWN once its deadline (" + GatewayTestStack.REFUND_DEADLINE + ") passed");
        assertEquals(RefundState.UNKNOWN, ledger.findRefund(processing).orElseThrow().state());
        refund(order, "rz" + order.substring(2), 200);
        JsonNode refused = awaitResults(order, 4).get(3);
        assertEquals("REJECTED", refused.get("outcome").asText(), "its amount may have gone back: still counted");
        assertEquals("orderAmount", refused.get("errors").get(0).get("field").asText());
        assertEquals(1, refundCalls(order));
    }

    @Test
    void aRefundOfAnOrderTheLedgerDoesNotKnowIsRejectedAndNotSent() throws Exception {
        String order = newOrderNo();

        refund(order, "ru" + order.substring(2), 100);

        JsonNode rejected = awaitResults(order, 1).get(0);
        assertEquals("REJECTED", rejected.get("outcome").asText());
        assertEquals("partnerOrderNo", rejected.get("errors").get(0).get("field").asText());
        assertTrue(rejected.get("msg").asText().contains("SCANFORPAY_REFUND_UNKNOWN_ORDERS"), rejected.toString());
        assertEquals(0, refundCalls(order));
    }

    @Test
    void aResultIsNeverPublishedOnceThePaymentHasMovedPastIt() throws Exception {
        String settled = newOrderNo();
        String waiting = newOrderNo();
        for (String order : List.of(settled, waiting)) {
            ledger.admitPayment(order, GatewayTestStack.STORE_NO, GatewayTestStack.PARTNER_NO, 2100,
                    SandboxBarcodes.PAID, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), null);
        }
        assertTrue(ledger.move(settled, java.util.Set.of(PaymentState.PAYING), PaymentState.SUCCESS,
                PaymentUpdate.none()));
        assertTrue(ledger.move(waiting, java.util.Set.of(PaymentState.PAYING), PaymentState.PENDING,
                PaymentUpdate.none()));

        // a late "waiting" (a status-0 notify, a slow pay answer) reaching the publishing step after the settlement
        publish(pending(settled));
        publish(pending(waiting));

        assertEquals(List.of("PENDING/NOTIFY"), awaitOutcomes(waiting, 1));
        TOPICS.results().awaitCaughtUp();
        assertTrue(TOPICS.results().withKey(settled).isEmpty(), "settled: its waiting result is not published");
    }

    private void publish(PaymentResult result) {
        Exchange done = producer.send(PaymentResultRoute.PUBLISH, exchange -> exchange.getMessage().setBody(result));
        assertEquals(null, done.getException());
    }

    private static PaymentResult pending(String order) {
        return new PaymentResult(order, CommandType.PAY, Outcome.PENDING, ResultSource.NOTIFY, 1, "success", 0, null,
                2100, "JPY", "Alipay", null, null, null, null, null, null, "2026-12-02T00:00:00Z");
    }

    @Test
    void theSweepSettlesAPaymentLeftUnknown() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        // as if the deadline had passed without an answer: UNKNOWN, due for the sweep
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("UPDATE payments SET state = 'UNKNOWN', "
                        + "next_check_at = now() WHERE partner_order_no = ?")) {
            update.setString(1, order);
            assertEquals(1, update.executeUpdate());
        }

        await().atMost(WAIT).until(() -> ledger.find(order).orElseThrow().state() == PaymentState.SUCCESS);
        assertTrue(GatewayTestStack.sandbox().calls(ScanForPaySandbox.QUERY_PATH).stream()
                .anyMatch(call -> order.equals(call.partnerOrderNo())), "settled by a query");
    }

    @Test
    void aFinalResultLostBeforePublishingIsPublishedByTheResolver() throws Exception {
        // as if an instance settled the payment in the ledger and died before publishing its result
        String order = newOrderNo();
        ledger.admitPayment(order, GatewayTestStack.STORE_NO, GatewayTestStack.PARTNER_NO, 2100, SandboxBarcodes.PAID, Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofHours(1), null);
        PaymentResult success = new PaymentResult(order, CommandType.PAY, Outcome.SUCCESS, ResultSource.QUERY, 1,
                "success", 1, "SFP-LOST-1", 2100, "JPY", "Alipay", null, null, null, null, null, "lost-1",
                "2026-11-26T00:00:00Z");
        assertTrue(ledger.move(order, java.util.Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none()
                .withFinalResult(JSON.writeValueAsString(success)).checkAgainIn(Duration.ZERO)));

        assertEquals(List.of("SUCCESS/QUERY"), awaitOutcomes(order, 1));
        await().atMost(WAIT).until(() -> ledger.find(order).orElseThrow().nextCheckAt() == null);
        assertEquals(0, GatewayTestStack.sandbox().payCalls(order) + GatewayTestStack.sandbox()
                .calls(ScanForPaySandbox.QUERY_PATH).stream().filter(c -> order.equals(c.partnerOrderNo())).count(),
                "republished from the ledger, nothing asked");
    }

    @Test
    void aQueryCommandPublishesWhatTheProviderSays() throws Exception {
        String unknown = newOrderNo();
        send(unknown, "{\"type\":\"QUERY\",\"partnerOrderNo\":\"" + unknown + "\"}");
        assertEquals(List.of("NOT_FOUND/QUERY"), awaitOutcomes(unknown, 1));
    }

    private static long refundCalls(String order) {
        return GatewayTestStack.sandbox().calls(ScanForPaySandbox.REFUND_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).count();
    }

    private static List<String> awaitOutcomes(String order, int count) {
        await().atMost(WAIT).until(() -> TOPICS.results().withKey(order).size() >= count);
        return TOPICS.results().fieldsWithKey(order, "outcome", "source");
    }

    private static List<JsonNode> awaitResults(String order, int count) {
        await().atMost(WAIT).until(() -> TOPICS.results().withKey(order).size() >= count);
        return TOPICS.results().jsonWithKey(order);
    }

    private static void pay(String order, String barcode, int amount) {
        send(order, Commands.pay(order, barcode, amount));
    }

    private static void refund(String order, String refundNo, int amount) {
        send(order, """
                {"type":"REFUND","partnerOrderNo":"%s","refundNo":"%s","orderAmount":%d}""".formatted(order,
                refundNo, amount));
    }

    private static void send(String key, String value) {
        TOPICS.kafka().send(COMMANDS, key, value);
    }

    static String newOrderNo() {
        return "rs" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
