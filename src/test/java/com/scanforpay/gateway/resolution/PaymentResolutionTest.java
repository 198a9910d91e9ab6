package com.scanforpay.gateway.resolution;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.ResultSource;
import com.scanforpay.gateway.publishing.PaymentResultRoute;

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
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.notify.NotifyCallbackRoute;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.Notifications;
import com.scanforpay.gateway.testing.WithoutNotifyUrl;
import io.micrometer.core.instrument.MeterRegistry;
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
    RefundLedger refunds;
    @Inject
    DataSource dataSource;
    @Inject
    ProducerTemplate producer;
    @Inject
    MeterRegistry meters;
    @TestHTTPResource(NotifyCallbackRoute.PATH)
    URL notifyUrl;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void waitingThenPaidIsPendingThenSuccessFromTheQueryAndALateNotifyChangesNothing() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.WAITING_THEN_PAID, 2100);

        assertEquals(List.of("PENDING/PAY_RESPONSE", "SUCCESS/QUERY"), awaitOutcomes(order, 2));
        assertEquals(PaymentState.SUCCESS, ledger.find(order).orElseThrow().state());
        awaitPublishedAndSettled(order);
        assertEquals(null, ledger.find(order).orElseThrow().nextCheckAt(), "polling stopped");
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(2, results.size(), results.toString());
        assertOrderResult(results.get(0), order, OrderResult.STATUS_WAITING);
        assertOrderResult(results.get(1), order, OrderResult.STATUS_PAID);

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
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.WAITING_THEN_FAILED, 2100);

        assertEquals(List.of("PENDING/PAY_RESPONSE", "FAILED/QUERY"), awaitOutcomes(order, 2));
        awaitPublishedAndSettled(order);
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(2, results.size(), results.toString());
        assertOrderResult(results.get(0), order, OrderResult.STATUS_WAITING);
        assertOrderResult(results.get(1), order, OrderResult.STATUS_FAILED);
        assertEquals(PaymentState.FAILED, ledger.find(order).orElseThrow().state());
    }

    @Test
    void inconclusiveAnswersAreSettledByQueryingNeverByPayingAgain() throws Exception {
        String timeout = OrderNumbers.next("rs");
        String malformed = OrderNumbers.next("rs");
        String badSignature = OrderNumbers.next("rs");
        TOPICS.pay(timeout, SandboxBarcodes.SLOW, 2100);
        TOPICS.pay(malformed, SandboxBarcodes.MALFORMED, 2100);
        TOPICS.pay(badSignature, SandboxBarcodes.BAD_SIGNATURE, 2100);

        for (String order : List.of(timeout, malformed, badSignature)) {
            assertEquals(List.of("SUCCESS/QUERY"), awaitOutcomes(order, 1), order);
            awaitPublishedAndSettled(order);
            List<JsonNode> results = TOPICS.results().jsonWithKey(order);
            assertEquals(1, results.size(), "the inconclusive answer published nothing: " + results);
            assertOrderResult(results.get(0), order, OrderResult.STATUS_PAID);
            assertEquals(1, GatewayTestStack.sandbox().payCalls(order), "paid once: " + order);
        }
    }

    @Test
    void orderUnknownToTheProviderIsPaidOnceMoreThenUnknownAtTheDeadline() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.HTTP_500, 2100);

        awaitResults(order, 1);
        TOPICS.awaitSettled();
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(1, results.size(), "nothing before UNKNOWN: " + results);
        JsonNode result = results.get(0);
        assertEquals("UNKNOWN", result.get("outcome").asText());
        assertEquals("PAY", result.get("type").asText());
        assertEquals(2100, result.get("orderAmount").asInt());
        assertTrue(result.get("msg").asText().contains("no such order"), result.toString());
        assertEquals(2, GatewayTestStack.sandbox().payCalls(order), "the one permitted re-send after code 30");
        assertEquals(PaymentState.UNKNOWN, ledger.find(order).orElseThrow().state());
    }

    @Test
    void repeatedPayCommandsNeverPayTwice() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100); // same batch, most likely
        assertEquals(List.of("SUCCESS/PAY_RESPONSE"), awaitOutcomes(order, 1));
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100); // after the final result

        JsonNode paid = TOPICS.onlyResult(order); // the stored result is not published again
        assertOrderResult(paid, order, OrderResult.STATUS_PAID);
        assertEquals("PAY_RESPONSE", paid.get("source").asText());
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void anOrderNumberReusedForAnotherAmountIsRejectedNotPaid() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        assertEquals(List.of("SUCCESS/PAY_RESPONSE"), awaitOutcomes(order, 1));
        TOPICS.pay(order, SandboxBarcodes.PAID, 2500);

        awaitResults(order, 2);
        TOPICS.awaitSettled();
        assertEquals(2, TOPICS.results().withKey(order).size(), "the paid result is not repeated");
        JsonNode rejected = TOPICS.results().jsonWithKey(order).get(1);
        assertEquals("REJECTED", rejected.get("outcome").asText());
        assertEquals(2500, rejected.get("orderAmount").asInt(), "the refused command's amount");
        assertEquals("orderAmount", rejected.get("errors").get(0).get("field").asText());
        assertTrue(rejected.get("msg").asText().contains("already used"), rejected.toString());
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void refundsAreCheckedAgainstThePaidAmountAndNeverRepeated() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);

        String first = "rf" + order.substring(2);
        TOPICS.refund(order, first, 1000);
        JsonNode refunded = awaitResults(order, 2).get(1);
        assertEquals("REFUND", refunded.get("type").asText());
        assertEquals("SUCCESS", refunded.get("outcome").asText());
        assertEquals(first, refunded.get("refundNo").asText());

        TOPICS.refund(order, "rx" + order.substring(2), 1200);
        JsonNode tooMuch = awaitResults(order, 3).get(2);
        assertEquals("REJECTED", tooMuch.get("outcome").asText());
        assertTrue(tooMuch.get("msg").asText().contains("exceed"), tooMuch.toString());

        TOPICS.refund(order, first, 1000);
        awaitResults(order, 4);
        TOPICS.awaitSettled();
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(4, results.size(), results.toString());
        assertEquals(refunded, results.get(3), "the repeat is answered with the recorded result, as it was");
        assertEquals(1000, refunded.get("orderAmount").asInt());
        assertEquals(1, refundCalls(order), "one refund call: the excess refused before calling, the repeat not sent");
    }

    @Test
    void aRefundCutOffMidCallIsUnknownWhenRedeliveredAndNeverSentAgain() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        // as if the gateway died during the refund call: recorded REFUNDING, no answer; Kafka delivers it again
        String refundNo = "rc" + order.substring(2);
        refunds.admitRefund(refundNo, order, 500);
        TOPICS.refund(order, refundNo, 500);

        awaitResults(order, 2);
        TOPICS.awaitSettled(); // the redelivered command handled to its end: a refund call would have been made
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(2, results.size(), results.toString());
        JsonNode unknown = results.get(1);
        assertEquals("REFUND", unknown.get("type").asText());
        assertEquals("UNKNOWN", unknown.get("outcome").asText());
        assertEquals(refundNo, unknown.get("refundNo").asText());
        assertEquals(500, unknown.get("orderAmount").asInt());
        assertEquals(0, refundCalls(order), "never sent again: it could refund twice");
    }

    @Test
    void aRefundOfAnUnpaidOrderIsRejected() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.DECLINED, 2100);
        assertEquals(List.of("FAILED/PAY_RESPONSE"), awaitOutcomes(order, 1));
        JsonNode declined = TOPICS.results().jsonWithKey(order).get(0);
        assertEquals(51, declined.get("code").asInt(), "the provider's code");
        assertEquals("insufficient balance", declined.get("msg").asText());

        TOPICS.refund(order, "rf" + order.substring(2), 100);
        awaitResults(order, 2);
        TOPICS.awaitSettled();
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(2, results.size(), results.toString());
        JsonNode rejected = results.get(1);
        assertEquals("REFUND", rejected.get("type").asText());
        assertEquals("REJECTED", rejected.get("outcome").asText());
        assertTrue(rejected.get("msg").asText().contains("not paid"), rejected.toString());
        assertEquals(0, refundCalls(order));
    }

    @Test
    void refundsReachingThePaidAmountPublishTheRefundedPaymentOnceAndEndItsSchedule() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        TOPICS.refund(order, "ra" + order.substring(2), 1000);
        TOPICS.refund(order, "rb" + order.substring(2), 1100);

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
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        String processing = SandboxBarcodes.PROCESSING_REFUND_PREFIX + order.substring(2, 20);
        // no one else's refund is open, so the alert counter can only move for this one
        await().atMost(WAIT).until(() -> openRefunds() == 0);
        double unknownBefore = refundsUnknown();

        TOPICS.refund(order, processing, 2000);

        assertEquals(List.of("SUCCESS/PAY_RESPONSE", "PENDING/REFUND_RESPONSE", "UNKNOWN/REFUND_RESPONSE"),
                awaitOutcomes(order, 3), "UNKNOWN once its deadline (" + GatewayTestStack.REFUND_DEADLINE + ") passed");
        JsonNode pending = TOPICS.results().jsonWithKey(order).get(1);
        assertRefundResult(pending, processing, 2000);
        assertEquals(1, pending.get("code").asInt());
        assertEquals(0, pending.get("status").asInt(), "processing");
        JsonNode unknown = TOPICS.results().jsonWithKey(order).get(2);
        assertRefundResult(unknown, processing, 2000);
        assertTrue(unknown.get("msg").asText().contains("no final answer"), unknown.toString());
        assertEquals(RefundState.UNKNOWN, refunds.findRefund(processing).orElseThrow().state());
        await().atMost(WAIT).until(() -> refundsUnknown() - unknownBefore >= 1);
        assertEquals(1.0, refundsUnknown() - unknownBefore, "the operator alert counted once");
        TOPICS.refund(order, "rz" + order.substring(2), 200);
        JsonNode refused = awaitResults(order, 4).get(3);
        assertEquals("REJECTED", refused.get("outcome").asText(), "its amount may have gone back: still counted");
        assertEquals("orderAmount", refused.get("errors").get(0).get("field").asText());
        assertEquals(1, refundCalls(order));
    }

    @Test
    void aRefundTheProviderFailedIsFailedAndItsAmountCanBeRefundedAgain() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        String failedNo = SandboxBarcodes.FAILED_REFUND_PREFIX + order.substring(2, 20);

        TOPICS.refund(order, failedNo, 2100);

        JsonNode failed = awaitResults(order, 2).get(1);
        assertRefundResult(failed, failedNo, 2100);
        assertEquals("FAILED", failed.get("outcome").asText());
        assertEquals(1, failed.get("code").asInt());
        assertEquals(2, failed.get("status").asInt(), "the provider's refund status: failed");
        assertEquals(RefundState.FAILED, refunds.findRefund(failedNo).orElseThrow().state());
        assertEquals(0, ledger.find(order).orElseThrow().refundedAmount(), "nothing went back to the customer");
        assertEquals(PaymentState.SUCCESS, ledger.find(order).orElseThrow().state());

        // a failed refund takes nothing: the whole amount may be refunded again
        String retry = "ry" + order.substring(2);
        TOPICS.refund(order, retry, 2100);

        awaitResults(order, 4);
        TOPICS.awaitSettled();
        assertEquals(List.of("PAY/SUCCESS", "REFUND/FAILED", "REFUND/SUCCESS", "PAY/REFUNDED"),
                TOPICS.results().fieldsWithKey(order, "type", "outcome"));
        assertRefundResult(TOPICS.results().jsonWithKey(order).get(2), retry, 2100);
        assertEquals(PaymentState.REFUNDED, ledger.find(order).orElseThrow().state());
        assertEquals(2100, ledger.find(order).orElseThrow().refundedAmount());
        assertEquals(2, refundCalls(order));
    }

    @Test
    void aRefundTheProviderRefusesIsFailedWithTheProvidersCodeAndMessage() throws Exception {
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
        awaitOutcomes(order, 1);
        // refunded in ScanForPay's portal: the provider knows, the ledger does not
        String portalNo = "pt" + order.substring(2);
        GatewayTestStack.sandbox().refundThroughPortal(order, portalNo, 1500);

        String tooMuch = "rm" + order.substring(2);
        TOPICS.refund(order, tooMuch, 1000);
        JsonNode exceeds = awaitResults(order, 2).get(1);
        assertRefundResult(exceeds, tooMuch, null);
        assertEquals("FAILED", exceeds.get("outcome").asText());
        assertEquals(ScanForPaySandbox.CODE_REFUND_EXCEEDS, exceeds.get("code").asInt());
        assertEquals("refund amount exceeds paid amount", exceeds.get("msg").asText());

        TOPICS.refund(order, portalNo, 100);
        JsonNode duplicate = awaitResults(order, 3).get(2);
        assertRefundResult(duplicate, portalNo, null);
        assertEquals("FAILED", duplicate.get("outcome").asText());
        assertEquals(ScanForPaySandbox.CODE_DUPLICATE_REFUND, duplicate.get("code").asInt());
        assertEquals("duplicate refundNo", duplicate.get("msg").asText());

        // the refused ones take nothing in the ledger: what the provider has left is admitted and refunded
        String rest = "rr" + order.substring(2);
        TOPICS.refund(order, rest, 600);
        awaitResults(order, 4);
        TOPICS.awaitSettled();
        assertEquals(List.of("PAY/SUCCESS", "REFUND/FAILED", "REFUND/FAILED", "REFUND/SUCCESS"),
                TOPICS.results().fieldsWithKey(order, "type", "outcome"));
        assertRefundResult(TOPICS.results().jsonWithKey(order).get(3), rest, 600);
        assertEquals(RefundState.FAILED, refunds.findRefund(tooMuch).orElseThrow().state());
        assertEquals(RefundState.FAILED, refunds.findRefund(portalNo).orElseThrow().state());
        assertEquals(600, ledger.find(order).orElseThrow().refundedAmount());
        assertEquals(3, refundCalls(order));
    }

    @Test
    void aRefundOfAnOrderTheLedgerDoesNotKnowIsRejectedAndNotSent() throws Exception {
        String order = OrderNumbers.next("rs");

        TOPICS.refund(order, "ru" + order.substring(2), 100);

        JsonNode rejected = TOPICS.onlyResult(order);
        assertEquals("REFUND", rejected.get("type").asText());
        assertEquals("REJECTED", rejected.get("outcome").asText());
        assertEquals("partnerOrderNo", rejected.get("errors").get(0).get("field").asText());
        assertTrue(rejected.get("msg").asText().contains("SCANFORPAY_REFUND_UNKNOWN_ORDERS"), rejected.toString());
        assertEquals(0, refundCalls(order));
    }

    @Test
    void aResultIsNeverPublishedOnceThePaymentHasMovedPastIt() throws Exception {
        String settled = OrderNumbers.next("rs");
        String waiting = OrderNumbers.next("rs");
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
        String order = OrderNumbers.next("rs");
        TOPICS.pay(order, SandboxBarcodes.PAID, 2100);
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
        awaitPublishedAndSettled(order);
        assertEquals(List.of("SUCCESS/PAY_RESPONSE"), TOPICS.results().fieldsWithKey(order, "outcome", "source"),
                "its SUCCESS was published before: not again");
    }

    @Test
    void aFinalResultLostBeforePublishingIsPublishedByTheResolver() throws Exception {
        // as if an instance settled the payment in the ledger and died before publishing its result
        String order = OrderNumbers.next("rs");
        ledger.admitPayment(order, GatewayTestStack.STORE_NO, GatewayTestStack.PARTNER_NO, 2100, SandboxBarcodes.PAID, Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofHours(1), null);
        PaymentResult success = new PaymentResult(order, CommandType.PAY, Outcome.SUCCESS, ResultSource.QUERY, 1,
                "success", 1, "SFP-LOST-1", 2100, "JPY", "Alipay", null, null, null, null, null, "lost-1",
                "2026-11-26T00:00:00Z");
        assertTrue(ledger.move(order, java.util.Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none()
                .withFinalResult(JSON.writeValueAsString(success)).checkAgainIn(Duration.ZERO)));

        awaitOutcomes(order, 1);
        // the resolver has nothing more scheduled for it: a second republish would have been published by now
        await().atMost(WAIT).until(() -> ledger.find(order).orElseThrow().nextCheckAt() == null);
        TOPICS.results().awaitCaughtUp();
        assertEquals(List.of("SUCCESS/QUERY"), TOPICS.results().fieldsWithKey(order, "outcome", "source"),
                "republished once");
        assertEquals(2100, TOPICS.results().jsonWithKey(order).get(0).get("orderAmount").asInt());
        assertEquals(0, GatewayTestStack.sandbox().payCalls(order) + GatewayTestStack.sandbox()
                .calls(ScanForPaySandbox.QUERY_PATH).stream().filter(c -> order.equals(c.partnerOrderNo())).count(),
                "republished from the ledger, nothing asked");
    }

    @Test
    void aQueryCommandPublishesWhatTheProviderSays() throws Exception {
        String unknown = OrderNumbers.next("rs");
        TOPICS.send(unknown, "{\"type\":\"QUERY\",\"partnerOrderNo\":\"" + unknown + "\"}");
        JsonNode notFound = TOPICS.onlyResult(unknown);
        assertEquals("NOT_FOUND/QUERY/QUERY", String.join("/", notFound.get("outcome").asText(),
                notFound.get("type").asText(), notFound.get("source").asText()));
        assertEquals(30, notFound.get("code").asInt());
        assertEquals(ScanForPaySandbox.MSG_ORDER_NOT_FOUND, notFound.get("msg").asText());
    }

    /** A PAY result as the sandbox answered it: its order number, amount, currency and status. */
    private static void assertOrderResult(JsonNode result, String order, int status) {
        assertEquals("PAY", result.get("type").asText(), result.toString());
        assertEquals(order, result.get("partnerOrderNo").asText());
        assertEquals(1, result.get("code").asInt());
        assertEquals(status, result.get("status").asInt(), result.toString());
        assertEquals(2100, result.get("orderAmount").asInt());
        assertEquals(GatewayTestStack.sandbox().order(order).orElseThrow().orderNo(), result.get("orderNo").asText());
        assertEquals("JPY", result.get("currency").asText());
    }

    /** A REFUND result: type, source, refundNo, and the refunded amount when the provider said it. */
    private static void assertRefundResult(JsonNode result, String refundNo, Integer amount) {
        assertEquals("REFUND", result.get("type").asText(), result.toString());
        assertEquals("REFUND_RESPONSE", result.get("source").asText());
        assertEquals(refundNo, result.get("refundNo").asText());
        if (amount != null) {
            assertEquals(amount, result.get("orderAmount").asInt(), result.toString());
        }
    }

    /** Waits until the payment's final result is confirmed on Kafka and everything sent so far is handled. */
    private void awaitPublishedAndSettled(String order) {
        await().atMost(WAIT).until(() -> ledger.find(order).map(entry -> entry.state().isFinal()
                && entry.nextCheckAt() == null).orElse(false));
        TOPICS.awaitSettled();
    }

    private long openRefunds() throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT count(*) FROM refunds WHERE state IN ('REFUNDING', 'PENDING')");
                var row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private double refundsUnknown() {
        var counter = meters.find("scanforpay.refunds.unknown").counter();
        return counter == null ? 0 : counter.count();
    }

    private static long refundCalls(String order) {
        return GatewayTestStack.sandbox().calls(ScanForPaySandbox.REFUND_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).count();
    }

    private static List<String> awaitOutcomes(String order, int count) {
        TOPICS.results().awaitWithKey(order, count, WAIT);
        return TOPICS.results().fieldsWithKey(order, "outcome", "source");
    }

    private static List<JsonNode> awaitResults(String order, int count) {
        return TOPICS.results().awaitJsonWithKey(order, count, WAIT);
    }
}
