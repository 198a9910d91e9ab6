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
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxCall;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import com.scanforpay.gateway.testing.WithoutNotifyUrl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The payment flow end to end: real broker, real HTTP to the signing sandbox, the gateway in between. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(WithoutNotifyUrl.class)
class PaymentCommandFlowTest {

    private static final Duration RESULT_WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void paidPaymentPublishesSuccessKeyedByOrder() throws Exception {
        String order = newOrderNo();
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
        String order = newOrderNo();
        pay(order, SandboxBarcodes.DECLINED, 500);

        JsonNode result = singleResult(order);
        assertEquals("FAILED", result.get("outcome").asText());
        assertEquals(51, result.get("code").asInt());
        assertEquals("insufficient balance", result.get("msg").asText());
    }

    @Test
    void waitingPaymentPublishesPending() throws Exception {
        String order = newOrderNo();
        pay(order, SandboxBarcodes.WAITING_THEN_PAID, 500);

        await().atMost(RESULT_WAIT).until(() -> !TOPICS.results().withKey(order).isEmpty());
        JsonNode result = TOPICS.results().jsonWithKey(order).get(0); // then resolved: PaymentResolutionTest
        assertEquals("PENDING", result.get("outcome").asText());
        assertEquals(0, result.get("status").asInt());
    }

    @Test
    void queryAfterPayInTheSameBatchSeesThePaymentBecauseOrdersAreSequential() throws Exception {
        // Sent back to back, PAY and QUERY of one order land in one batch; run concurrently, the query would
        // often overtake the payment and find nothing.
        List<String> orders = IntStream.range(0, 40).mapToObj(i -> newOrderNo()).toList();
        for (String order : orders) {
            pay(order, SandboxBarcodes.PAID, 300);
            send(order, "{\"type\":\"QUERY\",\"partnerOrderNo\":\"" + order + "\"}");
        }
        for (String order : orders) {
            await().atMost(RESULT_WAIT).until(() -> TOPICS.results().withKey(order).size() >= 2);
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
    void hundredsOfPaymentsRunConcurrently() throws Exception {
        // The sandbox answers each call after 100 ms: one at a time, 300 payments would take 30 s.
        List<String> orders = IntStream.range(0, 300).mapToObj(i -> newOrderNo()).toList();
        long start = System.nanoTime();
        for (String order : orders) {
            pay(order, SandboxBarcodes.PAID, 100);
        }
        await().atMost(RESULT_WAIT).until(() -> orders.stream().allMatch(order -> TOPICS.results().withKey(order).size() == 1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "300 payments took " + took);
        for (String order : orders) {
            assertEquals("SUCCESS", TOPICS.results().jsonWithKey(order).get(0).get("outcome").asText());
        }
    }

    @Test
    void invalidCommandsAreDeadLetteredWithReasonAndDoNotBlockLaterCommands() throws Exception {
        String missingBarcode = newOrderNo();
        String badAmount = newOrderNo();
        String letters = newOrderNo();
        String badType = newOrderNo();
        String fractional = newOrderNo();
        String tooLarge = newOrderNo();
        String after = newOrderNo();
        byte[] notJson = {'{', 'x', (byte) 0xC3};
        byte[] key = "opaque-key".getBytes(StandardCharsets.UTF_8);

        TOPICS.kafka().send(COMMANDS, key, notJson);
        send(null, "[1,2,3]");
        send(missingBarcode, "{\"partnerOrderNo\":\"" + missingBarcode + "\",\"orderAmount\":100}");
        send(badAmount, "{\"partnerOrderNo\":\"" + badAmount + "\",\"barcode\":\"1340\",\"orderAmount\":\"100\"}");
        send(letters, "{\"partnerOrderNo\":\"" + letters + "\",\"barcode\":\"13ab\",\"orderAmount\":100}");
        send(badType, "{\"type\":\"CAPTURE\",\"partnerOrderNo\":\"" + badType + "\"}");
        send(fractional, "{\"partnerOrderNo\":\"" + fractional + "\",\"barcode\":\"1340\",\"orderAmount\":1.5}");
        send(tooLarge, "{\"partnerOrderNo\":\"" + tooLarge + "\",\"barcode\":\"1340\",\"orderAmount\":2147483648}");
        pay(after, SandboxBarcodes.PAID, 100);

        assertEquals("SUCCESS", singleResult(after).get("outcome").asText(), "later commands still flow");

        Received notJsonLetter = deadLetter(r -> java.util.Arrays.equals(notJson, r.valueBytes()));
        assertArrayEquals(key, notJsonLetter.keyBytes(), "original key bytes");
        assertEquals("INVALID_JSON", notJsonLetter.headers().get("scanforpay-error-code"));
        assertEquals(COMMANDS, notJsonLetter.headers().get("scanforpay-source-topic"));
        assertNotNull(notJsonLetter.headers().get("scanforpay-source-partition"));
        assertNotNull(notJsonLetter.headers().get("scanforpay-source-offset"));
        assertEquals("INVALID_JSON", deadLetter(r -> "[1,2,3]".equals(r.value())).headers()
                .get("scanforpay-error-code"));

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
        Received letter = deadLetter(r -> r.value() != null && r.value().contains(order));
        assertEquals(code, letter.headers().get("scanforpay-error-code"), order);
        assertTrue(letter.headers().get("scanforpay-error-message").startsWith(field + ":"),
                letter.headers().get("scanforpay-error-message"));
        assertEquals(order, letter.key(), "dead letter keeps the original key");

        JsonNode result = singleResult(order);
        assertEquals("REJECTED", result.get("outcome").asText());
        assertEquals("VALIDATION", result.get("source").asText());
        assertEquals(field, result.get("errors").get(0).get("field").asText());
        assertTrue(result.get("errors").get(0).get("message").asText().length() > 0);
    }

    private Received deadLetter(java.util.function.Predicate<Received> match) {
        return await().atMost(RESULT_WAIT).until(
                () -> TOPICS.deadLetters().all().stream().filter(match).findFirst().orElse(null), java.util.Objects::nonNull);
    }

    private JsonNode singleResult(String order) throws Exception {
        await().atMost(RESULT_WAIT).until(() -> !TOPICS.results().withKey(order).isEmpty());
        List<JsonNode> results = TOPICS.results().jsonWithKey(order);
        assertEquals(1, results.size(), "exactly one result for " + order);
        JsonNode result = results.get(0);
        assertEquals(order, result.get("partnerOrderNo").asText());
        return result;
    }

    private static void pay(String order, String barcode, int amount) {
        send(order, "{\"type\":\"PAY\",\"partnerOrderNo\":\"" + order + "\",\"barcode\":\"" + barcode
                + "\",\"orderAmount\":" + amount + ",\"orderTitle\":\"Consume\",\"operatorId\":\"211918\"}");
    }

    private static void send(String key, String value) {
        TOPICS.kafka().send(COMMANDS, key, value);
    }

    static String newOrderNo() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
