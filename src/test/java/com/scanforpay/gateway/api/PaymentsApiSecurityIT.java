package com.scanforpay.gateway.api;

import static com.scanforpay.gateway.api.PaymentsApiTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.api.ApiClient.Answer;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayProcess;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The payments API of the packaged gateway in {@code prod}, configured by environment variables only, as deployed:
 * closed without keys, keys limited to stores and to refunds, {@code SCANFORPAY_API_AUTH=none}, and start-up
 * refusing inconsistent key settings.
 */
class PaymentsApiSecurityIT {

    static final String STORE_A_KEY = "storea-key-5e81c0d2f7";
    static final String TILL_KEY = "till9-key-a4c27e19b3";
    static final String BACK_OFFICE_KEY = "backoffice-key-7f3d92e6c1";

    @Test
    void withoutAnyKeyConfiguredEveryRequestIs401() {
        try (GatewayProcess gateway = GatewayProcess.start("api-closed", GatewayTestStack.environment())
                .awaitReady()) {
            String order = OrderNumbers.next("api");
            ApiClient anonymous = new ApiClient(gateway.baseUrl(), null);

            assertProblem(anonymous.post("/payments?wait=5s", Commands.pay(order, SandboxBarcodes.PAID, 2100)), 401,
                    null);
            assertProblem(anonymous.get("/payments/x"), 401, null);
            assertProblem(new ApiClient(gateway.baseUrl(), "some-key-0123456789").get("/payments/x"), 401, null);
            assertEquals(0, GatewayTestStack.sandbox().payCalls(order));
            assertEquals(1, lines(gateway, "No API key is configured: /payments refuses every request (401). "
                    + "Configure one key per till with scanforpay.api.keys.\"<name>\""), gateway.log());
        }
    }

    @Test
    void keysFromTheEnvironmentActForTheirStoresAndRefundOnlyWithThePermission() {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_API_KEYS_STOREA", STORE_A_KEY);
        env.put("SCANFORPAY_API_STORES_STOREA", GatewayTestStack.STORE_NO);
        env.put("SCANFORPAY_API_REFUNDS_STOREA", "true");
        env.put("SCANFORPAY_API_KEYS_TILL9", TILL_KEY);
        env.put("SCANFORPAY_API_KEYS_BACKOFFICE", BACK_OFFICE_KEY);
        env.put("SCANFORPAY_API_REFUNDS_BACKOFFICE", "true");
        env.put("SCANFORPAY_REFUND_UNKNOWN_ORDERS", "true");
        try (GatewayProcess gateway = GatewayProcess.start("api-keys-scoped", env).awaitReady()) {
            ApiClient storeA = new ApiClient(gateway.baseUrl(), STORE_A_KEY);
            ApiClient till = new ApiClient(gateway.baseUrl(), TILL_KEY);
            ApiClient backOffice = new ApiClient(gateway.baseUrl(), BACK_OFFICE_KEY);
            assertEquals(1, lines(gateway, "API key storea: stores " + GatewayTestStack.STORE_NO + ", refunds"),
                    gateway.log());
            assertEquals(1, lines(gateway, "API key till9: every store, no refunds"), gateway.log());

            // store B's order
            String orderB = OrderNumbers.next("api");
            Answer paidB = backOffice.post("/payments?wait=10s", ApiKeysTest.payOfStore(orderB,
                    ApiKeysTest.STORE_B, 2100));
            assertEquals(200, paidB.status(), paidB.body());
            ApiKeysTest.assertForbiddenSayingNothingOf(storeA.get("/payments/" + orderB), orderB,
                    ApiKeysTest.STORE_B);
            ApiKeysTest.assertForbiddenSayingNothingOf(storeA.post("/payments/" + orderB + "/refunds?wait=5s",
                    ApiKeysTest.refund("r" + orderB, 100)), orderB, ApiKeysTest.STORE_B);
            String newOrderB = OrderNumbers.next("api");
            ApiKeysTest.assertForbiddenSayingNothingOf(storeA.post("/payments?wait=5s", ApiKeysTest.payOfStore(
                    newOrderB, ApiKeysTest.STORE_B, 2100)), newOrderB, ApiKeysTest.STORE_B);
            assertEquals(0, GatewayTestStack.sandbox().payCalls(newOrderB));
            // an order the ledger does not know (refundable here): its store cannot be checked
            ApiKeysTest.assertForbiddenSayingNothingOf(storeA.post("/payments/" + OrderNumbers.next("api")
                    + "/refunds?wait=5s", ApiKeysTest.refund("u" + orderB, 100)), orderB, ApiKeysTest.STORE_B);

            // a key of every store without the refund permission
            String order = OrderNumbers.next("api");
            assertEquals(200, till.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100))
                    .status());
            ApiKeysTest.assertForbiddenSayingNothingOf(till.post("/payments/" + order + "/refunds?wait=5s",
                    ApiKeysTest.refund("r" + order, 100)), order, GatewayTestStack.STORE_NO);
            assertEquals(0, GatewayTestStack.sandbox().order(order).orElseThrow().refundedAmount());

            // store A's own orders: paid and refunded with its key
            Answer paidA = storeA.post("/payments?wait=10s", Commands.pay(order + "a", SandboxBarcodes.PAID, 2100));
            assertEquals(200, paidA.status(), paidA.body());
            Answer refundA = storeA.post("/payments/" + order + "a/refunds?wait=10s",
                    ApiKeysTest.refund("ra" + order, 400));
            assertEquals(200, refundA.status(), refundA.body());
            assertEquals("SUCCESS", refundA.json().get("outcome").asText(), refundA.body());
            assertEquals(400, GatewayTestStack.sandbox().order(order + "a").orElseThrow().refundedAmount());
        }
    }

    @Test
    void authNoneOpensTheApiAndWarnsAtStartUp() {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_API_AUTH", "none");
        try (GatewayProcess gateway = GatewayProcess.start("api-open", env).awaitReady()) {
            ApiClient anonymous = new ApiClient(gateway.baseUrl(), null);
            String order = OrderNumbers.next("api");

            Answer paid = anonymous.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100));
            assertEquals(200, paid.status(), paid.body());
            assertEquals("SUCCESS", paid.json().get("outcome").asText());
            Answer refunded = anonymous.post("/payments/" + order + "/refunds?wait=10s",
                    ApiKeysTest.refund("r" + order, 100));
            assertEquals(200, refunded.status(), refunded.body());
            assertEquals("SUCCESS", refunded.json().get("outcome").asText());
            List<String> warnings = gateway.log().lines().filter(line -> line.contains("WARN")
                    && line.contains("scanforpay.api.auth=none: the payments API (/payments) is OPEN")).toList();
            assertEquals(1, warnings.size(), gateway.log());
        }
    }

    @Test
    void inconsistentKeySettingsStopStartUpNamingEachInOneLine() {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_API_KEYS_SHORT", "short-k3y");
        env.put("SCANFORPAY_API_KEYS_EMPTY", "");
        env.put("SCANFORPAY_API_STORES_GHOST", GatewayTestStack.STORE_NO);
        env.put("SCANFORPAY_API_REFUNDS_PHANTOM", "true");
        env.put("SCANFORPAY_API_KEYS_TILL9", TILL_KEY);
        env.put("SCANFORPAY_API_STORES_TILL9", " , ");
        GatewayProcess gateway = GatewayProcess.start("api-keys-refused", env);
        assertNotEquals(0, gateway.waitForExit(Duration.ofSeconds(60)));

        for (String problem : List.of(
                "scanforpay.api.keys.\"short\" is shorter than 16 characters",
                "scanforpay.api.keys.\"empty\" is empty",
                "scanforpay.api.stores.\"ghost\" is for API key ghost, which is not configured",
                "scanforpay.api.refunds.\"phantom\" is for API key phantom, which is not configured",
                "scanforpay.api.stores.\"till9\" lists no store")) {
            assertEquals(1, lines(gateway, problem), problem + " on one line in:\n" + gateway.log());
        }
        assertFalse(gateway.log().contains("short-k3y"), "no key logged:\n" + gateway.log());
        assertTrue(gateway.log().lines().noneMatch(line -> line.startsWith("\tat ")),
                "no stack trace:\n" + gateway.log());
    }

    private static long lines(GatewayProcess gateway, String text) {
        return gateway.log().lines().filter(line -> line.contains(text)).count();
    }
}
