package com.scanforpay.gateway.payment;

import static com.scanforpay.gateway.testing.GatewayTestStack.COMMANDS;
import static com.scanforpay.gateway.testing.GatewayTestStack.DLQ;
import static com.scanforpay.gateway.testing.GatewayTestStack.RESULTS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.contract.MessageSchemas;
import com.scanforpay.gateway.contract.MessageSchemas.Kind;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxCall;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The payment flow end to end: real broker, real HTTP to the signing sandbox, the gateway in between. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(PaymentCommandFlowTest.HeldAnswers.class)
class PaymentCommandFlowTest {

    private static final Duration RESULT_WAIT = Duration.ofSeconds(30);

    /**
     * Without notifyUrl (every result comes from the pay path itself; notifications would win the race for some),
     * and timeouts long enough that a {@link SandboxBarcodes#HELD} pay answer is still awaited by the gateway when
     * the test releases it, however slow the machine: hundreds of new connections at once on a cold JVM may take
     * longer than the stack's 1 s connect timeout, and such a pay is never sent. The response timeout is twice the
     * longest wait of the tests ({@link #RESULT_WAIT}): a held call cannot time out before a test has failed anyway,
     * so only the release ends it. Not longer: the batch budget (max-poll-interval 10 min) must still fit two
     * commands of one order, which {@link OrderingTest} (sharing this profile) relies on.
     */
    public static class HeldAnswers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scanforpay.notify-url", "", "scanforpay.connect-timeout", "10s",
                    "scanforpay.response-timeout", "60s");
        }
    }

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    CamelContext camel;

    @AfterEach
    void releaseHeldPayments() {
        GatewayTestStack.sandbox().releaseAll(); // a failed test leaves no payment hanging for the next one
    }

    @Test
    void paidPaymentPublishesSuccessKeyedByOrder() throws Exception {
        String order = OrderNumbers.next("t");
        pay(order, SandboxBarcodes.PAID_WITH_BUYER, 2100);

        JsonNode result = singleResult(order);
        assertEquals("PAY", result.get("type").asText());
        assertEquals("SUCCESS", result.get("outcome").asText());
        assertEquals("PAY_RESPONSE", result.get("source").asText());
        assertEquals(1, result.get("code").asInt());
        assertEquals(1, result.get("status").asInt());
        assertEquals(2100, result.get("orderAmount").asInt());
        assertEquals(SandboxBarcodes.BUYER, result.get("buyer").asText());
        assertTrue(result.get("orderNo").asText().length() > 0);
        assertEquals(32, result.get("reqMsgId").asText().length());
        assertNotNull(result.get("timestamp"));

        List<SandboxCall> calls = GatewayTestStack.sandbox().calls("/api/offline/pay").stream()
                .filter(call -> order.equals(call.partnerOrderNo())).toList();
        assertEquals(1, calls.size());
        assertTrue(calls.get(0).signatureValid(), "the sandbox accepted the gateway's request signature");
        assertEquals(GatewayTestStack.STORE_NO, GatewayTestStack.sandbox().order(order).orElseThrow().storeNo());
    }

    @Test
    void declinedPaymentPublishesFailedWithProviderCode() throws Exception {
        String order = OrderNumbers.next("t");
        pay(order, SandboxBarcodes.DECLINED, 500);

        JsonNode result = singleResult(order);
        assertEquals("FAILED", result.get("outcome").asText());
        assertEquals(51, result.get("code").asInt());
        assertEquals("insufficient balance", result.get("msg").asText());
    }

    @Test
    void waitingPaymentPublishesPending() throws Exception {
        String order = OrderNumbers.next("t");
        pay(order, SandboxBarcodes.WAITING_THEN_PAID, 500);

        // PENDING from the pay answer, then the resolver's query settles it (in detail: PaymentResolutionTest)
        await().atMost(RESULT_WAIT).until(() -> TOPICS.results().withKey(order).size() >= 2);
        TOPICS.awaitSettled();
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(List.of("PAY/PENDING/PAY_RESPONSE", "PAY/SUCCESS/QUERY"),
                TOPICS.results().fieldsWithKey(order, "type", "outcome", "source"));
        JsonNode pending = results.get(0);
        assertEquals(1, pending.get("code").asInt());
        assertEquals(0, pending.get("status").asInt());
        assertEquals(500, pending.get("orderAmount").asInt());
        assertEquals(1, results.get(1).get("status").asInt());
        assertEquals(pending.get("orderNo").asText(), results.get(1).get("orderNo").asText(), "the same order");
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order), "queried, never paid again");
    }

    @Test
    void queryAfterPayInTheSameBatchSeesThePaymentBecauseOrdersAreSequential() throws Exception {
        // Sent back to back, PAY and QUERY of one order land in one batch; run concurrently, the query would
        // often overtake the payment and find nothing.
        List<String> orders = IntStream.range(0, 40).mapToObj(i -> OrderNumbers.next("t")).toList();
        for (String order : orders) {
            pay(order, SandboxBarcodes.PAID, 300);
            TOPICS.send(order, "{\"type\":\"QUERY\",\"partnerOrderNo\":\"" + order + "\"}");
        }
        TOPICS.awaitSettled();
        for (String order : orders) {
            List<JsonNode> events = TOPICS.results().jsonWithKey(order);
            assertEquals(2, events.size(), order);
            assertEquals("PAY", events.get(0).get("type").asText());
            assertEquals("SUCCESS", events.get(0).get("outcome").asText());
            assertEquals("QUERY", events.get(1).get("type").asText());
            assertEquals("SUCCESS", events.get(1).get("outcome").asText(), "the query ran after the payment");
            assertEquals(events.get(0).get("orderNo").asText(), events.get(1).get("orderNo").asText());
        }
    }

    @Test
    void hundredsOfPaymentsOfOneBatchAreInFlightAtOnce() throws Exception {
        // Held by the sandbox until released: a gateway paying them one at a time, or a few at a time, never has
        // them all outstanding at once, however long the test waits.
        List<String> orders = IntStream.range(0, 300).mapToObj(i -> OrderNumbers.next("t")).toList();
        // the commands route stopped while they are sent: the first poll after it starts fetches them all
        camel.getRouteController().stopRoute("payment-commands");
        try {
            for (int i = 0; i < orders.size(); i++) {
                pay(orders.get(i), SandboxBarcodes.HELD, 100 + i);
            }
        } finally {
            camel.getRouteController().startRoute("payment-commands");
        }

        await("all 300 pay calls outstanding at once").atMost(RESULT_WAIT)
                .until(() -> GatewayTestStack.sandbox().held().containsAll(orders));
        assertTrue(orders.stream().allMatch(order -> GatewayTestStack.sandbox().payCalls(order) == 1),
                "each held on its first pay call");
        assertEquals(0, orders.stream().filter(order -> !TOPICS.results().withKey(order).isEmpty()).count(),
                "nothing published before the provider answered");
        orders.forEach(GatewayTestStack.sandbox()::release);

        TOPICS.awaitSettled();
        for (int i = 0; i < orders.size(); i++) {
            String order = orders.get(i);
            List<JsonNode> results = TOPICS.results().jsonWithKey(order);
            assertEquals(List.of("PAY/SUCCESS/PAY_RESPONSE"),
                    TOPICS.results().fieldsWithKey(order, "type", "outcome", "source"), order);
            assertEquals(100 + i, results.get(0).get("orderAmount").asInt(), order);
            assertEquals(1, GatewayTestStack.sandbox().payCalls(order), order);
        }
    }

    @Test
    void invalidCommandsAreDeadLetteredWithReasonAndDoNotBlockLaterCommands() throws Exception {
        String missingBarcode = OrderNumbers.next("t");
        String badAmount = OrderNumbers.next("t");
        String letters = OrderNumbers.next("t");
        String badType = OrderNumbers.next("t");
        String fractional = OrderNumbers.next("t");
        String tooLarge = OrderNumbers.next("t");
        String after = OrderNumbers.next("t");
        byte[] notJson = {'{', 'x', (byte) 0xC3};
        byte[] key = "opaque-key".getBytes(StandardCharsets.UTF_8);

        TOPICS.kafka().send(COMMANDS, key, notJson);
        TOPICS.send(null, "[1,2,3]");
        TOPICS.send(missingBarcode, "{\"partnerOrderNo\":\"" + missingBarcode + "\",\"orderAmount\":100}");
        TOPICS.send(badAmount,
                "{\"partnerOrderNo\":\"" + badAmount + "\",\"barcode\":\"1340\",\"orderAmount\":\"100\"}");
        TOPICS.send(letters, "{\"partnerOrderNo\":\"" + letters + "\",\"barcode\":\"13ab\",\"orderAmount\":100}");
        TOPICS.send(badType, "{\"type\":\"CAPTURE\",\"partnerOrderNo\":\"" + badType + "\"}");
        TOPICS.send(fractional,
                "{\"partnerOrderNo\":\"" + fractional + "\",\"barcode\":\"1340\",\"orderAmount\":1.5}");
        TOPICS.send(tooLarge,
                "{\"partnerOrderNo\":\"" + tooLarge + "\",\"barcode\":\"1340\",\"orderAmount\":2147483648}");
        pay(after, SandboxBarcodes.PAID, 100);

        assertEquals("SUCCESS", singleResult(after).get("outcome").asText(), "later commands still flow");
        MessageSchemas.assertValid(Kind.RESULT, singleResult(after).toString());

        Received notJsonLetter = TOPICS.deadLetters()
                .awaitFirst(r -> java.util.Arrays.equals(notJson, r.valueBytes()), RESULT_WAIT);
        assertArrayEquals(key, notJsonLetter.keyBytes(), "original key bytes");
        assertEquals("INVALID_JSON", notJsonLetter.headers().get("scanforpay-error-code"));
        assertEquals(COMMANDS, notJsonLetter.headers().get("scanforpay-source-topic"));
        assertNotNull(notJsonLetter.headers().get("scanforpay-source-partition"));
        assertNotNull(notJsonLetter.headers().get("scanforpay-source-offset"));
        MessageSchemas.assertValidHeaders(notJsonLetter.headers()); // exactly the documented headers
        assertEquals("INVALID_JSON", TOPICS.deadLetters().awaitFirst(r -> "[1,2,3]".equals(r.value()), RESULT_WAIT)
                .headers().get("scanforpay-error-code"));

        assertRejected(missingBarcode, "MISSING_FIELD", "barcode");
        assertRejected(badAmount, "INVALID_FIELD", "orderAmount");
        assertRejected(letters, "INVALID_FIELD", "barcode");
        assertRejected(badType, "UNSUPPORTED_TYPE", "type");
        assertRejected(fractional, "INVALID_FIELD", "orderAmount");
        assertRejected(tooLarge, "INVALID_FIELD", "orderAmount");
        assertTrue(GatewayTestStack.sandbox().calls().stream()
                .noneMatch(call -> List.of(missingBarcode, badAmount, letters, badType, fractional, tooLarge)
                        .contains(call.partnerOrderNo())), "no provider call for a rejected command");
    }

    private void assertRejected(String order, String code, String field) throws Exception {
        Received letter = TOPICS.deadLetters()
                .awaitFirst(r -> r.value() != null && r.value().contains(order), RESULT_WAIT);
        assertEquals(code, letter.headers().get("scanforpay-error-code"), order);
        MessageSchemas.assertValidHeaders(letter.headers());
        assertTrue(letter.headers().get("scanforpay-error-message").startsWith(field + ":"),
                letter.headers().get("scanforpay-error-message"));
        assertEquals(order, letter.key(), "dead letter keeps the original key");

        JsonNode result = singleResult(order);
        assertEquals(1, TOPICS.deadLetters().withKey(order).size(), "dead-lettered once");
        assertEquals("REJECTED", result.get("outcome").asText());
        MessageSchemas.assertValid(Kind.RESULT, result.toString());
        assertEquals("VALIDATION", result.get("source").asText());
        assertEquals(field, result.get("errors").get(0).get("field").asText());
        assertTrue(result.get("errors").get(0).get("message").asText().length() > 0);
    }

    /** The one result of {@code order}, counted once every command sent so far is done and read. */
    private JsonNode singleResult(String order) {
        JsonNode result = TOPICS.onlyResult(order);
        assertEquals(order, result.get("partnerOrderNo").asText());
        return result;
    }

    private static void pay(String order, String barcode, int amount) {
        TOPICS.send(order, Commands.pay(order, barcode, amount, "Consume", "211918"));
    }
}
