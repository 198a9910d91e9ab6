package com.scanforpay.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.scanforpay.gateway.api.ApiClient.Answer;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With an API key configured, every /payments request needs it; the notify endpoint and /q/* do not. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(ApiKeysTest.OneKey.class)
class ApiKeysTest {

    static final String KEY = "till-7-key-3b9f1c";

    public static class OneKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scanforpay.api.auth", "keys", "scanforpay.api.keys.\"till-7\"", KEY);
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void withoutTheRightKeyIs401AndWithItThePaymentGoesThrough() {
        String order = PaymentsApiTest.newOrderNo();
        String body = Commands.pay(order, SandboxBarcodes.PAID, 2100);

        Answer none = new ApiClient(base.toString(), null).post("/payments?wait=10s", body);
        PaymentsApiTest.assertProblem(none, 401, null);
        Answer wrong = new ApiClient(base.toString(), KEY + "x").post("/payments?wait=10s", body);
        PaymentsApiTest.assertProblem(wrong, 401, null);
        PaymentsApiTest.assertProblem(new ApiClient(base.toString(), "").get("/payments/" + order), 401, null);
        assertEquals(0, GatewayTestStack.sandbox().payCalls(order));

        ApiClient authorised = new ApiClient(base.toString(), KEY);
        Answer paid = authorised.post("/payments?wait=10s", body);
        assertEquals(200, paid.status(), paid.body());
        assertEquals("SUCCESS", paid.json().get("outcome").asText());
        assertEquals(200, authorised.get("/payments/" + order).status());
        assertEquals(200, new ApiClient(base.toString(), null).get("/q/openapi").status());
    }
}
