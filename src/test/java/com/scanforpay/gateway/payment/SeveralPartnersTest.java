package com.scanforpay.gateway.payment;

import static com.scanforpay.gateway.testing.GatewayTestStack.COMMANDS;
import static com.scanforpay.gateway.testing.GatewayTestStack.DLQ;
import static com.scanforpay.gateway.testing.GatewayTestStack.RESULTS;
import static com.scanforpay.gateway.testing.SeveralPartners.PARTNER_NO_B;
import static com.scanforpay.gateway.testing.SeveralPartners.SIGN_KEY_B;
import static com.scanforpay.gateway.testing.SeveralPartners.STORE_A2;
import static com.scanforpay.gateway.testing.SeveralPartners.STORE_B;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.notify.NotifyCallbackRoute;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxCall;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import com.scanforpay.gateway.testing.Notifications;
import com.scanforpay.gateway.testing.SeveralPartners;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two partner accounts over real HTTP and Kafka: each store's commands are signed with its partner's key and go to
 * its partner's provider (the stack's sandbox for the default partner, a second sandbox for partner B); a store no
 * partner serves is rejected before anything happens; notifications are verified with the key of the partner they
 * name.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(SeveralPartners.class)
class SeveralPartnersTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Notifications FROM_A = Notifications.ofTestStack();
    private static final Notifications FROM_B = new Notifications(PARTNER_NO_B, SIGN_KEY_B);

    @TestHTTPResource(NotifyCallbackRoute.PATH)
    URL notifyUrl;
    @Inject
    PaymentLedger ledger;
    @Inject
    MeterRegistry meters;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @AfterAll
    static void closeSandboxB() {
        SeveralPartners.closeSandboxB();
    }

    private static ScanForPaySandbox sandboxA() {
        return GatewayTestStack.sandbox();
    }

    private static ScanForPaySandbox sandboxB() {
        return SeveralPartners.sandboxB();
    }

    @Test
    void payForAStoreOfPartnerBIsSignedWithBsKeyAndGoesToBsProvider() throws Exception {
        String order = OrderNumbers.next("mp");
        TOPICS.send(order, Commands.payAtStore(STORE_B, order, SandboxBarcodes.PAID, 2100));

        JsonNode result = single(order);
        assertEquals("SUCCESS", result.get("outcome").asText());
        List<SandboxCall> calls = callsOf(sandboxB(), order);
        assertEquals(1, calls.size());
        assertEquals(ScanForPaySandbox.PAY_PATH, calls.get(0).path());
        assertTrue(calls.get(0).signatureValid(), "B's provider verified the request with B's partnerNo and key");
        assertEquals(STORE_B, sandboxB().order(order).orElseThrow().storeNo());
        assertEquals(List.of(), callsOf(sandboxA(), order), "nothing went to the default partner's provider");
    }

    @Test
    void payForTheDefaultPartnersStoresGoesToItsProvider() throws Exception {
        String unnamed = OrderNumbers.next("mp");
        String mapped = OrderNumbers.next("mp");
        TOPICS.send(unnamed, Commands.payAtStore(null, unnamed, SandboxBarcodes.PAID, 2100));
        TOPICS.send(mapped, Commands.payAtStore(STORE_A2, mapped, SandboxBarcodes.PAID, 2100));

        for (String order : List.of(unnamed, mapped)) {
            assertEquals("SUCCESS", single(order).get("outcome").asText());
            List<SandboxCall> calls = callsOf(sandboxA(), order);
            assertEquals(1, calls.size(), order);
            assertTrue(calls.get(0).signatureValid(), order);
            assertEquals(List.of(), callsOf(sandboxB(), order));
        }
        assertEquals(GatewayTestStack.STORE_NO, sandboxA().order(unnamed).orElseThrow().storeNo());
        assertEquals(STORE_A2, sandboxA().order(mapped).orElseThrow().storeNo());
    }

    @Test
    void payForAStoreNoPartnerServesIsRejectedAndDeadLetteredWithoutACall() throws Exception {
        String order = OrderNumbers.next("mp");
        String after = OrderNumbers.next("mp");
        TOPICS.send(order, Commands.payAtStore("999990000000001", order, SandboxBarcodes.PAID, 2100));
        TOPICS.send(after, Commands.payAtStore(STORE_B, after, SandboxBarcodes.PAID, 2100));

        String expected = "storeNo 999990000000001 is not configured: map it to a partner with "
                + "scanforpay.stores.\"999990000000001\".partner";
        JsonNode result = single(order);
        assertEquals("REJECTED", result.get("outcome").asText());
        assertEquals("VALIDATION", result.get("source").asText());
        assertEquals("storeNo", result.get("errors").get(0).get("field").asText());
        assertEquals(expected, result.get("errors").get(0).get("message").asText());

        Received letter = await().atMost(WAIT).until(() -> TOPICS.deadLetters().withKey(order).stream().findFirst()
                .orElse(null), java.util.Objects::nonNull);
        assertEquals("UNKNOWN_STORE", letter.headers().get("scanforpay-error-code"));
        assertEquals("storeNo: " + expected, letter.headers().get("scanforpay-error-message"));
        assertTrue(letter.value().contains("999990000000001"), "original value bytes");

        assertEquals("SUCCESS", single(after).get("outcome").asText(), "later commands still flow");
        assertEquals(List.of(), callsOf(sandboxA(), order));
        assertEquals(List.of(), callsOf(sandboxB(), order));
        assertTrue(ledger.find(order).isEmpty(), "nothing written to the ledger");
    }

    @Test
    void waitingPaymentOfPartnerBIsQueriedAtBsProvider() throws Exception {
        String order = OrderNumbers.next("mp");
        TOPICS.send(order, Commands.payAtStore(STORE_B, order, SandboxBarcodes.WAITING_THEN_PAID, 2100));

        await().atMost(WAIT).until(() -> outcomes(order).contains("SUCCESS"));
        TOPICS.awaitSettled();
        assertEquals(List.of("PENDING", "SUCCESS"), outcomes(order));
        assertEquals("QUERY", TOPICS.results().jsonWithKey(order).get(1).get("source").asText());
        List<SandboxCall> queries = callsOf(sandboxB(), order).stream()
                .filter(call -> ScanForPaySandbox.QUERY_PATH.equals(call.path())).toList();
        assertTrue(!queries.isEmpty() && queries.stream().allMatch(SandboxCall::signatureValid), queries.toString());
        assertEquals(List.of(), callsOf(sandboxA(), order));
    }

    @Test
    void queryAndRefundOfAnOrderOfPartnerBGoToBsProvider() throws Exception {
        String order = OrderNumbers.next("mp");
        TOPICS.send(order, Commands.payAtStore(STORE_B, order, SandboxBarcodes.PAID, 2100));
        assertEquals("SUCCESS", single(order).get("outcome").asText());

        // the query names no store: the ledger's (B's) is used; the refund never names one
        TOPICS.kafka().send(COMMANDS, order, "{\"type\":\"QUERY\",\"partnerOrderNo\":\"" + order + "\"}");
        TOPICS.kafka().send(COMMANDS, order, "{\"type\":\"REFUND\",\"partnerOrderNo\":\"" + order + "\",\"refundNo\":\"r"
                + order + "\",\"orderAmount\":700}");

        await().atMost(WAIT).until(() -> TOPICS.results().withKey(order).size() >= 3);
        TOPICS.awaitSettled();
        List<JsonNode> events = TOPICS.results().jsonWithKey(order);
        assertEquals(3, events.size(), events.toString());
        assertEquals("QUERY", events.get(1).get("type").asText());
        assertEquals("SUCCESS", events.get(1).get("outcome").asText(), "B's provider knows the order");
        assertEquals("REFUND", events.get(2).get("type").asText());
        assertEquals("SUCCESS", events.get(2).get("outcome").asText());
        assertEquals("r" + order, events.get(2).get("refundNo").asText());
        assertEquals(700, events.get(2).get("orderAmount").asInt());
        assertEquals(700, sandboxB().order(order).orElseThrow().refundedAmount());
        List<String> paths = callsOf(sandboxB(), order).stream().map(SandboxCall::path).toList();
        assertEquals(List.of(ScanForPaySandbox.PAY_PATH, ScanForPaySandbox.QUERY_PATH, ScanForPaySandbox.REFUND_PATH),
                paths);
        assertTrue(callsOf(sandboxB(), order).stream().allMatch(SandboxCall::signatureValid));
        assertEquals(List.of(), callsOf(sandboxA(), order));
    }

    @Test
    void notifyIsVerifiedWithTheKeyOfThePartnerItNames() throws Exception {
        String order = OrderNumbers.next("mp");
        double badSignatures = notifies("bad_signature");
        double unknownPartners = notifies("unknown_partner");

        HttpResponse<String> fromB = post(FROM_B.signed(order, OrderResult.STATUS_PAID, 2100));
        assertEquals(200, fromB.statusCode(), fromB.body());
        assertEquals("success", fromB.body());
        await().atMost(WAIT).until(() -> outcomes(order).contains("SUCCESS"));

        // the same notification, claiming partner B but signed with the default partner's key
        String other = OrderNumbers.next("mp");
        HttpResponse<String> forged = post(new Notifications(PARTNER_NO_B, GatewayTestStack.SIGN_KEY)
                .signed(other, OrderResult.STATUS_PAID, 2100));
        assertEquals(400, forged.statusCode());
        assertTrue(forged.body().startsWith("bad signature"), forged.body());

        // a partner the gateway does not know, whatever the key
        HttpResponse<String> unknown = post(new Notifications("30003", GatewayTestStack.SIGN_KEY)
                .signed(other, OrderResult.STATUS_PAID, 2100));
        assertEquals(400, unknown.statusCode());
        assertEquals("unknown partner: no sign key for partnerNo 30003", unknown.body());

        // the default partner's own notifications still pass
        assertEquals(200, post(FROM_A.signed(other, OrderResult.STATUS_REFUNDED, 2100)).statusCode());
        await().atMost(WAIT).until(() -> outcomes(other).contains("REFUNDED"));
        TOPICS.results().awaitCaughtUp();
        assertEquals(List.of("REFUNDED"), outcomes(other), "nothing of the refused ones was published");
        assertEquals(List.of("SUCCESS"), outcomes(order));
        assertEquals(badSignatures + 1, notifies("bad_signature"), "the forged one counted");
        assertEquals(unknownPartners + 1, notifies("unknown_partner"), "the unknown partner's counted");
    }

    @Test
    void onePartnersNotifyCannotSettleAnotherPartnersPayment() throws Exception {
        String order = OrderNumbers.next("mp");
        double mismatches = notifies("partner_mismatch");
        TOPICS.send(order, Commands.payAtStore(null, order, SandboxBarcodes.WAITING_THEN_FAILED, 2100));
        await().atMost(WAIT).until(() -> ledger.find(order).isPresent());

        // correctly signed by partner B, about an order of the default partner's store
        HttpResponse<String> answer = post(FROM_B.signed(order, OrderResult.STATUS_PAID, 2100));
        assertEquals(200, answer.statusCode());
        assertEquals("success", answer.body());

        await().atMost(WAIT).until(() -> ledger.find(order).orElseThrow().state().isFinal());
        assertEquals(PaymentState.FAILED, ledger.find(order).orElseThrow().state(), "never marked paid");
        TOPICS.results().awaitCaughtUp();
        assertEquals(List.of("PENDING", "FAILED"), outcomes(order));
        assertEquals(mismatches + 1, notifies("partner_mismatch"), "counted once");
    }

    @Test
    void aPaymentWhoseStoreIsNoLongerMappedIsAskedOfNoPartnerAndEndsUnknownSayingWhy() throws Exception {
        // as if paid by an instance configured with another store mapping, which then stopped before the answer,
        // and recorded before payments kept their partner (V4): only the store says whom to ask
        String order = OrderNumbers.next("mp");
        String store = "999990000000002";
        ledger.admitPayment(order, store, null, 2100, SandboxBarcodes.PAID, Duration.ofMillis(100), Duration.ofSeconds(2),
                Duration.ofSeconds(3), Commands.payAtStore(store, order, SandboxBarcodes.PAID, 2100));

        JsonNode result = single(order);
        assertEquals("UNKNOWN", result.get("outcome").asText());
        assertTrue(result.get("msg").asText().contains("storeNo " + store + " is not configured"),
                result.get("msg").asText());
        assertEquals(PaymentState.UNKNOWN, ledger.find(order).orElseThrow().state());
        assertEquals(List.of(), callsOf(sandboxA(), order), "never asked through another partner's account");
        assertEquals(List.of(), callsOf(sandboxB(), order));
    }

    @Test
    void aPaymentSentThroughPartnerBIsAskedOfAndRefundedThroughBAfterItsStoreMovedToAnotherPartner() throws Exception {
        // sent through B by an instance whose mapping had this store at B, which stopped before the answer; the
        // store now belongs to the default partner, whose provider has never heard of the order
        String order = OrderNumbers.next("mp");
        ledger.admitPayment(order, STORE_A2, PARTNER_NO_B, 2100, SandboxBarcodes.PAID, Duration.ofMillis(100),
                Duration.ofSeconds(5), Duration.ofSeconds(6),
                Commands.payAtStore(STORE_A2, order, SandboxBarcodes.PAID, 2100));

        assertEquals("SUCCESS", single(order).get("outcome").asText());
        assertEquals(List.of(ScanForPaySandbox.QUERY_PATH, ScanForPaySandbox.PAY_PATH),
                callsOf(sandboxB(), order).stream().map(SandboxCall::path).toList(),
                "asked of B (code 30: never paid there), then sent once more through B");
        TOPICS.kafka().send(COMMANDS, order, "{\"type\":\"REFUND\",\"partnerOrderNo\":\"" + order
                + "\",\"refundNo\":\"r" + order + "\",\"orderAmount\":300}");
        await().atMost(WAIT).until(() -> outcomes(order).size() >= 2);
        TOPICS.awaitSettled();
        assertEquals(List.of("PAY/SUCCESS", "REFUND/SUCCESS"), TOPICS.results().fieldsWithKey(order, "type",
                "outcome"));
        assertEquals(300, sandboxB().order(order).orElseThrow().refundedAmount());
        assertEquals(List.of(), callsOf(sandboxA(), order), "nothing through the store's new partner");
    }

    @Test
    void aPaymentWhosePartnerIsNoLongerConfiguredIsAskedOfNoOneAndEndsUnknownSayingWhy() throws Exception {
        String order = OrderNumbers.next("mp");
        ledger.admitPayment(order, STORE_A2, "30003", 2100, SandboxBarcodes.PAID, Duration.ofMillis(100),
                Duration.ofSeconds(2), Duration.ofSeconds(3),
                Commands.payAtStore(STORE_A2, order, SandboxBarcodes.PAID, 2100));

        JsonNode result = single(order);
        assertEquals("UNKNOWN", result.get("outcome").asText());
        assertTrue(result.get("msg").asText().contains("partnerNo 30003, which the payment was sent through, is not "
                + "configured any more"), result.get("msg").asText());
        assertEquals(List.of(), callsOf(sandboxA(), order));
        assertEquals(List.of(), callsOf(sandboxB(), order));
    }

    private static List<SandboxCall> callsOf(ScanForPaySandbox sandbox, String order) {
        return sandbox.calls().stream().filter(call -> order.equals(call.partnerOrderNo())).toList();
    }

    /** The one result of {@code order}: awaited, then counted once every command sent so far is done and read. */
    private static JsonNode single(String order) throws Exception {
        JsonNode result = TOPICS.awaitOnlyResult(order, WAIT);
        assertEquals(order, result.get("partnerOrderNo").asText());
        return result;
    }

    private double notifies(String verdict) {
        Counter counter = meters.find("scanforpay.notify").tag("verdict", verdict).counter();
        return counter == null ? 0 : counter.count();
    }

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome");
    }

    private HttpResponse<String> post(byte[] body) {
        return Notifications.post(notifyUrl.toString(), body);
    }
}
