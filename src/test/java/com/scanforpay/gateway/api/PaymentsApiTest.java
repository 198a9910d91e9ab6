package com.scanforpay.gateway.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.api.ApiClient.Answer;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.notify.NotifyCallbackRoute;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.Notifications;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The payments API through real HTTP, against the real broker, PostgreSQL and the sandbox (100 ms latency). */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class PaymentsApiTest {

    @TestHTTPResource("/")
    URL base;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(base.toString(), null);
    }

    @Test
    void paidBarcodeAnswers200WithTheResultInsideTheWait() {
        String order = OrderNumbers.next("api");
        Answer answer = api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100));

        assertEquals(200, answer.status(), answer.body());
        assertEquals("application/json", answer.header("Content-Type"));
        JsonNode result = answer.json();
        assertEquals(order, result.get("partnerOrderNo").asText());
        assertEquals("PAY", result.get("type").asText());
        assertEquals("SUCCESS", result.get("outcome").asText());
        assertEquals(2100, result.get("orderAmount").asInt());

        Answer state = api.get("/payments/" + order);
        assertEquals(200, state.status(), state.body());
        assertEquals("SUCCESS", state.json().get("state").asText());
        assertEquals(2100, state.json().get("orderAmount").asInt());
        assertEquals("SUCCESS", state.json().get("result").get("outcome").asText());
        assertTrue(state.json().hasNonNull("providerOrderNo"), state.body());
    }

    @Test
    void withoutWaitAnswers202AtOnceAndGetShowsTheFinalStateLater() {
        String order = OrderNumbers.next("api");
        Answer answer = api.post("/payments", Commands.pay(order, SandboxBarcodes.PAID, 2100));

        assertEquals(202, answer.status(), answer.body());
        assertEquals("/payments/" + order, answer.header("Location"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            Answer state = api.get("/payments/" + order);
            return state.status() == 200 && "SUCCESS".equals(state.json().get("state").asText());
        });
    }

    @Test
    void waitingThenPaidIs202AfterAShortWaitAnd200AfterALongerOne() {
        String order = OrderNumbers.next("api");
        Answer shortWait = api.post("/payments?wait=100ms",
                Commands.pay(order, SandboxBarcodes.WAITING_THEN_PAID, 2100));
        assertEquals(202, shortWait.status(), shortWait.body());
        assertEquals("/payments/" + order, shortWait.header("Location"));

        // the same request again, waiting longer: answered from the same payment, never paid twice
        Answer longWait = api.post("/payments?wait=15s",
                Commands.pay(order, SandboxBarcodes.WAITING_THEN_PAID, 2100));
        assertEquals(200, longWait.status(), longWait.body());
        assertEquals("SUCCESS", longWait.json().get("outcome").asText());
        assertEquals(order, longWait.json().get("partnerOrderNo").asText());

        String other = OrderNumbers.next("api");
        Answer fresh = api.post("/payments?wait=PT15S", Commands.pay(other, SandboxBarcodes.WAITING_THEN_PAID, 2100));
        assertEquals(200, fresh.status(), fresh.body());
        assertEquals("SUCCESS", fresh.json().get("outcome").asText());
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(other));
    }

    @Test
    void sameRequestTwiceChargesOnceAndAnswersTheExistingState() {
        String order = OrderNumbers.next("api");
        Answer first = api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100));
        Answer second = api.post("/payments", Commands.pay(order, SandboxBarcodes.PAID, 2100));

        assertEquals(200, first.status(), first.body());
        assertEquals(200, second.status(), second.body());
        assertEquals("SUCCESS", second.json().get("outcome").asText());
        assertEquals(first.json().get("orderNo"), second.json().get("orderNo"));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void sameOrderWithAnotherAmountOrBarcodeIs409() {
        String order = OrderNumbers.next("api");
        assertEquals(200, api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100)).status());

        Answer amount = api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2500));
        assertProblem(amount, 409, "orderAmount");
        Answer barcode = api.post("/payments", Commands.pay(order, "284447106610060509", 2100));
        assertProblem(barcode, 409, "barcode");
        TOPICS.awaitSettled(); // counted once every command has been handled
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    /**
     * While a till waits for its payment, the ERP sends the same order number with another amount over Kafka:
     * that command is REJECTED on the results topic, but the till's payment goes on and the till gets its
     * SUCCESS, not the other command's rejection. A later request like the rejected one is 409.
     */
    @Test
    void anotherCommandsRejectionDoesNotAnswerAWaitingPayment() {
        String order = OrderNumbers.next("api");
        // the customer is confirming (the sandbox keeps it waiting): the test decides when it is paid
        CompletableFuture<Answer> till = api.postAsync("/payments?wait=20s",
                Commands.pay(order, SandboxBarcodes.WAITING_SLOW_QUERIES, 2100));
        await("the payment in the ledger").atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/payments/" + order).status() == 200);
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, Commands.pay(order,
                SandboxBarcodes.WAITING_SLOW_QUERIES, 2500));
        await("the other command's rejection").atMost(Duration.ofSeconds(10))
                .until(() -> resultOutcomes(order).contains("REJECTED"));
        // paid: its SUCCESS follows the rejection on the order's partition, as the till's waiter reads it
        assertEquals(200, Notifications.post(base.toString().replaceAll("/$", "") + NotifyCallbackRoute.PATH,
                Notifications.ofTestStack().signed(order, OrderResult.STATUS_PAID, 2100)).statusCode());

        Answer answer = till.join();
        assertEquals(200, answer.status(), answer.body());
        assertEquals("SUCCESS", answer.json().get("outcome").asText(), answer.body());
        assertEquals(2100, answer.json().get("orderAmount").asInt());
        TOPICS.results().awaitCaughtUp();
        assertEquals(List.of("PENDING", "REJECTED", "SUCCESS"), resultOutcomes(order));
        assertProblem(api.post("/payments?wait=1s", Commands.pay(order, SandboxBarcodes.WAITING_SLOW_QUERIES,
                2500)), 409, "orderAmount");
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
    }

    /** An invalid command for the same order just before the till's: its REJECTED is not the till's answer. */
    @Test
    void anInvalidCommandForTheSameOrderDoesNotAnswerTheTill() {
        String order = OrderNumbers.next("api");
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, "{\"partnerOrderNo\":\"" + order
                + "\",\"orderAmount\":2100}");
        Answer answer = api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100));

        assertEquals(200, answer.status(), answer.body());
        assertEquals("SUCCESS", answer.json().get("outcome").asText(), answer.body());
        await().atMost(Duration.ofSeconds(10)).until(() -> resultOutcomes(order).contains("REJECTED"));
    }

    /** The same order number with another amount, sent just before the till's request: the till gets 409. */
    @Test
    void losingTheRaceForAnOrderNumberIs409EvenWhenTheWinnersSuccessComesFirst() {
        // the other payment is paid at once: its SUCCESS is published before the till's command is refused
        String order = OrderNumbers.next("api");
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, Commands.pay(order, SandboxBarcodes.PAID, 2500));
        Answer answer = api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100));

        assertProblem(answer, 409, "orderAmount");

        String sameAmount = OrderNumbers.next("api");
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, sameAmount, Commands.pay(sameAmount, SandboxBarcodes.PAID,
                2100));
        Answer otherBarcode = api.post("/payments?wait=10s", Commands.pay(sameAmount,
                SandboxBarcodes.PAID_WITH_BUYER, 2100));

        assertProblem(otherBarcode, 409, "barcode");
        // the winner's pay call may still be on its way when the till is answered: count once everything is handled
        TOPICS.awaitSettled();
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(sameAmount));
    }

    /** A refund refused for another command under the same refundNo is not the answer to the till's refund. */
    @Test
    void anotherRefundsRejectionDoesNotAnswerTheTillsRefund() {
        String order = OrderNumbers.next("api");
        assertEquals(200, api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100)).status());
        String refundNo = "r" + order;
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, "{\"type\":\"REFUND\",\"partnerOrderNo\":\"" + order
                + "\",\"refundNo\":\"" + refundNo + "\",\"orderAmount\":5000}");
        Answer refund = api.post("/payments/" + order + "/refunds?wait=10s",
                "{\"refundNo\":\"" + refundNo + "\",\"orderAmount\":100}");

        assertEquals(200, refund.status(), refund.body());
        assertEquals("SUCCESS", refund.json().get("outcome").asText(), refund.body());
        assertEquals(100, GatewayTestStack.sandbox().order(order).orElseThrow().refundedAmount());
    }

    @Test
    void unknownOrderIs404() {
        assertProblem(api.get("/payments/" + OrderNumbers.next("api")), 404, null);
    }

    @Test
    void eachKindOfInvalidBodyIs400NamingTheField() {
        String order = OrderNumbers.next("api");
        assertProblem(api.post("/payments", "{not json"), 400, "$");
        assertProblem(api.post("/payments", "[1,2]"), 400, "$");
        assertProblem(api.post("/payments", ""), 400, "$");
        assertProblem(api.post("/payments", "{\"partnerOrderNo\":\"" + order + "\",\"orderAmount\":2100}"), 400,
                "barcode");
        assertProblem(api.post("/payments", Commands.pay(order, SandboxBarcodes.PAID, -5)), 400, "orderAmount");
        assertProblem(api.post("/payments", "{\"partnerOrderNo\":\"" + order + "\",\"barcode\":\"12ab\","
                + "\"orderAmount\":\"lots\"}"), 400, "barcode");
        assertProblem(api.post("/payments", "{\"type\":\"QUERY\",\"partnerOrderNo\":\"" + order + "\"}"), 400,
                "type");
        assertProblem(api.post("/payments", "{\"type\":\"NOPE\",\"partnerOrderNo\":\"" + order + "\"}"), 400,
                "type");
        assertProblem(api.post("/payments?wait=soon", Commands.pay(order, SandboxBarcodes.PAID, 2100)), 400,
                "wait");
        // nothing of these reached the ledger
        assertProblem(api.get("/payments/" + order), 404, null);
        assertEquals(0, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void hostileBodiesAre4xxProblemsNeverA500() {
        String order = OrderNumbers.next("api");
        String refund = "/payments/" + order + "/refunds?wait=1s";
        for (String path : List.of("/payments?wait=1s", refund)) {
            assertProblem(api.post(path, "[".repeat(1500) + "]".repeat(1500)), 400, "$");
            assertProblem(api.post(path, "{\"orderAmount\":" + "9".repeat(1001) + "}"), 400, "orderAmount");
            assertProblem(api.post(path, "{\"a\":1,\"a\":2}"), 400, "a");
            assertProblem(api.post(path, "{\"partnerOrderNo\":\"" + order + "\"} trailing"), 400, "$");
            assertProblem(api.post(path, "\"PAY\""), 400, "$");
            assertProblem(api.post(path, "{\"" + "n".repeat(9000) + "\":1}"), 413, "$");
        }
        assertProblem(api.post("/payments", Commands.pay(order, SandboxBarcodes.PAID, 100)
                .replace("}", ",\"orderTitle\":\"a\\u0000b\"}")), 400, "orderTitle");
        assertProblem(api.get("/payments/" + order), 404, null);
        assertEquals(0, GatewayTestStack.sandbox().payCalls(order));
    }

    @Test
    void twoHundredConcurrentWaitingRequestsEachGetTheirOwnResult() {
        List<String> orders = new ArrayList<>();
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String order = OrderNumbers.next("api");
            orders.add(order);
            answers.add(api.postAsync("/payments?wait=20s", Commands.pay(order, SandboxBarcodes.PAID, 100 + i)));
        }
        for (int i = 0; i < orders.size(); i++) {
            Answer answer = answers.get(i).join();
            assertEquals(200, answer.status(), orders.get(i) + ": " + answer.body());
            assertEquals(orders.get(i), answer.json().get("partnerOrderNo").asText());
            assertEquals("SUCCESS", answer.json().get("outcome").asText());
            assertEquals(100 + i, answer.json().get("orderAmount").asInt());
        }
    }

    @Test
    void refundWithWaitIs200AndARefundBeyondThePaidAmountIs409() {
        String order = OrderNumbers.next("api");
        assertEquals(200, api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100)).status());

        String refundNo = "r" + order;
        Answer refund = api.post("/payments/" + order + "/refunds?wait=10s",
                "{\"refundNo\":\"" + refundNo + "\",\"orderAmount\":600}");
        assertEquals(200, refund.status(), refund.body());
        assertEquals("REFUND", refund.json().get("type").asText());
        assertEquals("SUCCESS", refund.json().get("outcome").asText());
        assertEquals(refundNo, refund.json().get("refundNo").asText());

        // the same refund again: its recorded result, not a second refund
        Answer again = api.post("/payments/" + order + "/refunds", "{\"refundNo\":\"" + refundNo
                + "\",\"orderAmount\":600}");
        assertEquals(200, again.status(), again.body());
        assertEquals("SUCCESS", again.json().get("outcome").asText());
        assertProblem(api.post("/payments/" + order + "/refunds", "{\"refundNo\":\"" + refundNo
                + "\",\"orderAmount\":700}"), 409, "refundNo");

        // refused by the ledger (the flow publishes a REJECTED result): an HTTP error, never 200 with REJECTED
        Answer beyond = api.post("/payments/" + order + "/refunds?wait=10s",
                "{\"refundNo\":\"x" + order + "\",\"orderAmount\":2000}");
        assertProblem(beyond, 409, "orderAmount");
        assertEquals("urn:scanforpay:problem:refund-refused", beyond.json().get("type").asText());
        assertTrue(beyond.json().get("detail").asText().contains("exceed"), beyond.body());
        assertTrue(TOPICS.results().fieldsWithKey(order, "type", "outcome", "refundNo")
                .contains("REFUND/REJECTED/x" + order), "the flow refused it");

        assertProblem(api.post("/payments/" + order + "/refunds", "{\"orderAmount\":100}"), 400, "refundNo");
        assertEquals(600, api.get("/payments/" + order).json().get("refundedAmount").asInt());
    }

    @Test
    void aRefundOfAnUnpaidOrderIs409() {
        String order = OrderNumbers.next("api");
        Answer declined = api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.DECLINED, 2100));
        assertEquals(200, declined.status(), declined.body());
        assertEquals("FAILED", declined.json().get("outcome").asText(), "a provider's decline stays a 200 result");

        Answer refund = api.post("/payments/" + order + "/refunds?wait=10s", "{\"refundNo\":\"r" + order
                + "\",\"orderAmount\":100}");
        assertProblem(refund, 409, "partnerOrderNo");
        assertEquals("urn:scanforpay:problem:refund-refused", refund.json().get("type").asText());
    }

    /** Path parameters that are no order or refund number: 400 naming them, never the database's 500 or 503. */
    @Test
    void hostilePathParametersAre400NamingTheField() {
        String order = OrderNumbers.next("api");
        assertEquals(200, api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100)).status());
        String refund = "{\"refundNo\":\"r" + order + "\",\"orderAmount\":100}";
        for (String hostile : List.of("%00", "a%00b", "a%20b", "%C3%A9t%C3%A9", "a%0Ab", "x".repeat(33),
                "%27%3B%20DROP%20TABLE%20payments%3B--")) {
            assertProblem(api.get("/payments/" + hostile), 400, "partnerOrderNo");
            assertProblem(api.get("/payments/" + hostile + "?refresh=true"), 400, "partnerOrderNo");
            assertProblem(api.post("/payments/" + hostile + "/refunds?wait=1s", refund), 400, "partnerOrderNo");
            assertProblem(api.get("/payments/" + hostile + "/refunds/r1"), 400, "partnerOrderNo");
            assertProblem(api.get("/payments/" + order + "/refunds/" + hostile), 400, "refundNo");
        }
        // the longest valid numbers are fine
        assertProblem(api.get("/payments/" + "x".repeat(32)), 404, null);
        assertEquals(0, GatewayTestStack.sandbox().order(order).orElseThrow().refundedAmount());
    }

    @Test
    void aRefundTakenWithoutWaitingIsFollowedAtItsLocation() {
        String order = OrderNumbers.next("api");
        assertEquals(200, api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100)).status());
        String refundNo = "r" + order;

        Answer taken = api.post("/payments/" + order + "/refunds", "{\"refundNo\":\"" + refundNo
                + "\",\"orderAmount\":500}");
        assertEquals(202, taken.status(), taken.body());
        String location = "/payments/" + order + "/refunds/" + refundNo;
        assertEquals(location, taken.header("Location"));
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get(location).status() == 200
                && "SUCCESS".equals(api.get(location).json().get("state").asText()));
        JsonNode refund = api.get(location).json();
        assertEquals(refundNo, refund.get("refundNo").asText());
        assertEquals(order, refund.get("partnerOrderNo").asText());
        assertEquals(500, refund.get("orderAmount").asInt());
        assertEquals("SUCCESS", refund.get("result").get("outcome").asText());

        assertProblem(api.get("/payments/" + OrderNumbers.next("api") + "/refunds/" + refundNo), 404, null);
        assertProblem(api.get("/payments/" + order + "/refunds/none" + order), 404, null);
    }

    @Test
    void refreshAsksTheProvider() {
        String order = OrderNumbers.next("api");
        assertEquals(200, api.post("/payments?wait=10s", Commands.pay(order, SandboxBarcodes.PAID, 2100)).status());

        Answer refreshed = api.get("/payments/" + order + "?refresh=true");
        assertEquals(200, refreshed.status(), refreshed.body());
        assertEquals("SUCCESS", refreshed.json().get("state").asText());
        assertEquals("QUERY", refreshed.json().get("query").get("type").asText(), refreshed.body());
        assertEquals("SUCCESS", refreshed.json().get("query").get("outcome").asText(), refreshed.body());
    }

    @Test
    void openApiDescribesThePaymentsAndTheNotifyEndpoints() {
        // OpenAPI and Swagger UI are on the management interface (HealthAndMetricsTest: not on the main port)
        ApiClient management = new ApiClient(GatewayTestStack.managementUrl(), null);
        Answer openapi = management.get("/q/openapi?format=json");
        assertEquals(200, openapi.status());
        JsonNode paths = openapi.json().get("paths");
        assertTrue(paths.has("/payments"), paths.toString());
        assertTrue(paths.has("/payments/{partnerOrderNo}"), paths.toString());
        assertTrue(paths.has("/payments/{partnerOrderNo}/refunds"), paths.toString());
        assertTrue(paths.has("/payments/{partnerOrderNo}/refunds/{refundNo}"), paths.toString());
        assertTrue(paths.has("/scanforpay/notify"), paths.toString());
        assertEquals(200, management.get("/q/swagger-ui/").status());

        // every operation documents the key's refusals; each its own others
        Map<String, List<String>> statuses = Map.of(
                "/payments post", List.of("200", "202", "400", "401", "403", "409", "413", "503"),
                "/payments/{partnerOrderNo} get", List.of("200", "400", "401", "403", "404"),
                "/payments/{partnerOrderNo}/refunds post", List.of("200", "202", "400", "401", "403", "404", "409",
                        "413"),
                "/payments/{partnerOrderNo}/refunds/{refundNo} get", List.of("200", "400", "401", "403", "404"));
        statuses.forEach((operation, expected) -> {
            String[] pathAndMethod = operation.split(" ");
            List<String> documented = new ArrayList<>();
            paths.get(pathAndMethod[0]).get(pathAndMethod[1]).get("responses").fieldNames()
                    .forEachRemaining(documented::add);
            assertTrue(documented.containsAll(expected), operation + " documents " + expected + ": " + documented);
        });
        String scheme = openapi.json().get("components").get("securitySchemes").get("apiKey").get("description")
                .asText();
        assertTrue(scheme.contains("Required by default"), scheme);
    }

    static void assertProblem(Answer answer, int status, String field) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals(Problem.MEDIA_TYPE, answer.header("Content-Type"), answer.body());
        JsonNode problem = answer.json();
        assertEquals(status, problem.get("status").asInt());
        assertTrue(problem.hasNonNull("type") && problem.hasNonNull("title") && problem.hasNonNull("detail"),
                answer.body());
        if (field != null) {
            List<String> fields = new ArrayList<>();
            problem.get("errors").forEach(error -> fields.add(error.get("field").asText()));
            assertTrue(fields.contains(field), "expected " + field + " in " + answer.body());
        }
    }

    private static List<String> resultOutcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome");
    }

    @SuppressWarnings("unused")
    private static final Map<String, String> NONE = Map.of();
}
