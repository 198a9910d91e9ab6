package com.scanforpay.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.api.ApiClient.Answer;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics.Tail;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code scanforpay.api.auth=keys} (what production runs), every /payments request needs a configured key; a
 * key acts only for its stores and refunds only with the refund permission. The notify endpoint and the management
 * interface (/q/*) do not need keys.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(ApiKeysTest.Keys.class)
class ApiKeysTest {

    /** Every store, no refunds. */
    static final String KEY = "till-7-key-3b9f1c";
    /** Store A ({@link GatewayTestStack#STORE_NO}, the default store) only, with refunds. */
    static final String STORE_A_KEY = "store-a-key-8d2e7f40";
    /** Every store, with refunds. */
    static final String BACK_OFFICE_KEY = "back-office-key-61c9a3e5";
    /** Another store the default partner serves (no scanforpay.stores: every store is the default partner's). */
    static final String STORE_B = "100010000000009";

    public static class Keys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "scanforpay.api.auth", "keys",
                    "scanforpay.api.keys.\"till-7\"", KEY,
                    "scanforpay.api.keys.\"store-a\"", STORE_A_KEY,
                    "scanforpay.api.stores.\"store-a\"", GatewayTestStack.STORE_NO,
                    "scanforpay.api.refunds.\"store-a\"", "true",
                    "scanforpay.api.keys.\"back-office\"", BACK_OFFICE_KEY,
                    "scanforpay.api.refunds.\"back-office\"", "true");
        }
    }

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @TestHTTPResource("/")
    URL base;

    ApiClient till7;
    ApiClient storeA;
    ApiClient backOffice;

    @BeforeEach
    void clients() {
        till7 = new ApiClient(base.toString(), KEY);
        storeA = new ApiClient(base.toString(), STORE_A_KEY);
        backOffice = new ApiClient(base.toString(), BACK_OFFICE_KEY);
    }

    @Test
    void withoutTheRightKeyIs401AndWithItThePaymentGoesThrough() {
        String order = OrderNumbers.next("api");
        String body = Commands.pay(order, SandboxBarcodes.PAID, 2100);

        Answer none = new ApiClient(base.toString(), null).post("/payments?wait=10s", body);
        PaymentsApiTest.assertProblem(none, 401, null);
        Answer wrong = new ApiClient(base.toString(), KEY + "x").post("/payments?wait=10s", body);
        PaymentsApiTest.assertProblem(wrong, 401, null);
        PaymentsApiTest.assertProblem(new ApiClient(base.toString(), "").get("/payments/" + order), 401, null);
        assertEquals(0, GatewayTestStack.sandbox().payCalls(order));

        Answer paid = till7.post("/payments?wait=10s", body);
        assertEquals(200, paid.status(), paid.body());
        assertEquals("SUCCESS", paid.json().get("outcome").asText());
        assertEquals(200, till7.get("/payments/" + order).status());
        ApiClient management = new ApiClient(GatewayTestStack.managementUrl(), null);
        assertEquals(200, management.get("/q/openapi").status());
        assertEquals(200, management.get("/q/health/live").status());
        assertEquals(200, management.get("/q/metrics").status());
    }

    @Test
    void aKeyOfOneStoreIsForbiddenEverythingOfAnotherStoresOrder() {
        // store B's order, paid and partly refunded by the back office
        String order = OrderNumbers.next("api");
        Answer paid = backOffice.post("/payments?wait=10s", payOfStore(order, STORE_B, 2100));
        assertEquals(200, paid.status(), paid.body());
        assertEquals("SUCCESS", paid.json().get("outcome").asText());
        String refundNo = "r" + order;
        Answer refunded = backOffice.post("/payments/" + order + "/refunds?wait=10s", refund(refundNo, 300));
        assertEquals(200, refunded.status(), refunded.body());
        assertEquals("SUCCESS", refunded.json().get("outcome").asText());

        String newOrder = OrderNumbers.next("api");
        List<Answer> refused = List.of(
                storeA.post("/payments?wait=5s", payOfStore(newOrder, STORE_B, 2100)),
                // its own store in the command, but the order number is store B's: the ledger's store counts
                storeA.post("/payments?wait=5s", Commands.pay(order, SandboxBarcodes.PAID, 2100)),
                // not a 409 either, which would tell store B's amount
                storeA.post("/payments?wait=5s", Commands.pay(order, SandboxBarcodes.PAID, 2500)),
                storeA.get("/payments/" + order),
                storeA.get("/payments/" + order + "?refresh=true"),
                storeA.post("/payments/" + order + "/refunds?wait=5s", refund("x" + order, 100)),
                storeA.get("/payments/" + order + "/refunds/" + refundNo));
        for (Answer answer : refused) {
            assertForbiddenSayingNothingOf(answer, order, STORE_B);
        }
        assertEquals(0, GatewayTestStack.sandbox().payCalls(newOrder));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
        assertEquals(300, GatewayTestStack.sandbox().order(order).orElseThrow().refundedAmount());
        assertEquals(300, backOffice.get("/payments/" + order).json().get("refundedAmount").asInt());

        // its own store's orders: pay, read, refund
        String own = OrderNumbers.next("api");
        Answer ownPaid = storeA.post("/payments?wait=10s", Commands.pay(own, SandboxBarcodes.PAID, 2100));
        assertEquals(200, ownPaid.status(), ownPaid.body());
        assertEquals(200, storeA.get("/payments/" + own).status());
        Answer ownRefund = storeA.post("/payments/" + own + "/refunds?wait=10s", refund("r" + own, 100));
        assertEquals(200, ownRefund.status(), ownRefund.body());
        assertEquals("SUCCESS", ownRefund.json().get("outcome").asText());
        assertEquals(200, storeA.get("/payments/" + own + "/refunds/r" + own).status());
    }

    @Test
    void aKeyWithoutTheRefundPermissionIsForbiddenToRefundAndNothingIsPublished() {
        // closed with the class's topics
        Tail commands = TOPICS.kafka().tail(GatewayTestStack.COMMANDS);
        String order = OrderNumbers.next("api");
        assertEquals(200, till7.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100))
                .status());

        Answer refused = till7.post("/payments/" + order + "/refunds?wait=5s", refund("r1" + order, 600));
        assertForbiddenSayingNothingOf(refused, order, GatewayTestStack.STORE_NO);
        // before anything else is looked at: an order that does not exist, an invalid body
        assertForbiddenSayingNothingOf(till7.post("/payments/" + OrderNumbers.next("api") + "/refunds",
                refund("r3" + order, 600)), order, GatewayTestStack.STORE_NO);
        assertForbiddenSayingNothingOf(till7.post("/payments/" + order + "/refunds", "{"), order,
                GatewayTestStack.STORE_NO);

        // a refund with the permission afterwards, under the same key (partition): only that one was published
        Answer allowed = backOffice.post("/payments/" + order + "/refunds?wait=10s", refund("r2" + order, 500));
        assertEquals(200, allowed.status(), allowed.body());
        assertEquals("SUCCESS", allowed.json().get("outcome").asText());
        commands.awaitCaughtUp();
        assertEquals(List.of("PAY/", "REFUND/r2" + order), commands.fieldsWithKey(order, "type", "refundNo"));
        assertEquals(500, GatewayTestStack.sandbox().order(order).orElseThrow().refundedAmount());
        assertEquals(1, GatewayTestStack.sandbox().calls(ScanForPaySandbox.REFUND_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).count());
        PaymentsApiTest.assertProblem(till7.get("/payments/" + order + "/refunds/r1" + order), 404, null);
    }

    @Test
    void aRefundOfAnOrderTheLedgerDoesNotKnowIs404NamingTheOrder() {
        String order = OrderNumbers.next("api");
        Answer answer = backOffice.post("/payments/" + order + "/refunds?wait=5s", refund("r" + order, 100));

        PaymentsApiTest.assertProblem(answer, 404, "partnerOrderNo");
        assertTrue(GatewayTestStack.sandbox().calls(ScanForPaySandbox.REFUND_PATH).stream()
                .noneMatch(call -> order.equals(call.partnerOrderNo())));
    }

    /** 403, and nothing of the order: not its number, store, amount or state. */
    static void assertForbiddenSayingNothingOf(Answer answer, String order, String storeNo) {
        PaymentsApiTest.assertProblem(answer, 403, null);
        JsonNode problem = answer.json();
        List<String> fields = new ArrayList<>();
        problem.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("type", "title", "status", "detail"), fields, answer.body());
        for (String secret : List.of(order, storeNo, "2100", "SUCCESS", "PENDING")) {
            assertFalse(answer.body().contains(secret), secret + " in " + answer.body());
        }
    }

    static String payOfStore(String order, String storeNo, int amount) {
        return "{\"storeNo\":\"" + storeNo + "\"," + Commands.pay(order, SandboxBarcodes.PAID, amount).substring(1);
    }

    static String refund(String refundNo, int amount) {
        return "{\"refundNo\":\"" + refundNo + "\",\"orderAmount\":" + amount + "}";
    }
}
