package com.scanforpay.gateway.payment;


import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxCall;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The commands of one order run in command order even when they arrive together: a REFUND fetched in the same batch
 * as its order's PAY waits for the PAY's result (run at once, it would find the order unpaid and be REJECTED), and
 * every result of one order goes to one results partition, in command order. The PAYs are
 * {@link SandboxBarcodes#HELD}: in flight until the test releases them, so the test sees the REFUND waiting.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(PaymentCommandFlowTest.HeldAnswers.class)
class OrderingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ORDERS = 20;
    private static final int PAID_AMOUNT = 2100;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    CamelContext camel;

    @AfterEach
    void releaseHeldPayments() {
        GatewayTestStack.sandbox().releaseAll(); // a failed test leaves no payment hanging for the next one
    }

    @Test
    void aRefundInTheBatchOfItsPaymentWaitsForThePaymentsResultAndAllResultsOfAnOrderShareAPartition()
            throws Exception {
        List<String> orders = IntStream.range(0, ORDERS).mapToObj(i -> OrderNumbers.next("o")).toList();
        List<String> markers = IntStream.range(0, ORDERS).mapToObj(i -> OrderNumbers.next("m")).toList();

        // The route stopped while they are sent: the first poll after it starts fetches them all, one batch. Each
        // order's three commands share its key (its partition): PAY, then REFUND (half of them the whole amount),
        // then another order's payment, the marker, which is paid at once.
        camel.getRouteController().stopRoute("payment-commands");
        try {
            for (int i = 0; i < ORDERS; i++) {
                String order = orders.get(i);
                TOPICS.send(order, Commands.pay(order, SandboxBarcodes.HELD, PAID_AMOUNT));
                TOPICS.send(order, Commands.refund(order, refundNo(order), refundAmount(i)));
                TOPICS.send(order, Commands.pay(markers.get(i), SandboxBarcodes.PAID, 100));
            }
        } finally {
            camel.getRouteController().startRoute("payment-commands");
        }

        // Each marker, behind its order's REFUND in the partition, is paid while that order's PAY is still held:
        // the REFUND was fetched while its PAY was in flight.
        await("every PAY held and every marker paid").atMost(WAIT).until(() -> sandbox().held().containsAll(orders)
                && markers.stream().noneMatch(marker -> TOPICS.results().withKey(marker).isEmpty()));
        assertTrue(sandbox().held().containsAll(orders), "still in flight: " + sandbox().held());
        for (String order : orders) {
            assertEquals(1, sandbox().payCalls(order), "held on its first pay call, the one of the batch");
            assertEquals(List.of(), refundCalls(order), "no refund sent while its payment is in flight");
            assertEquals(List.of(), TOPICS.results().fieldsWithKey(order, "type", "outcome"),
                    "nothing published for the order before its payment's answer: the REFUND waits, not REJECTED");
        }

        orders.forEach(sandbox()::release);
        TOPICS.awaitSettled();

        for (int i = 0; i < ORDERS; i++) {
            String order = orders.get(i);
            boolean whole = refundAmount(i) == PAID_AMOUNT;
            List<String> expected = whole
                    ? List.of("PAY/SUCCESS/PAY_RESPONSE", "REFUND/SUCCESS/REFUND_RESPONSE", "PAY/REFUNDED/REFUND_RESPONSE")
                    : List.of("PAY/SUCCESS/PAY_RESPONSE", "REFUND/SUCCESS/REFUND_RESPONSE");
            assertEquals(expected, TOPICS.results().fieldsWithKey(order, "type", "outcome", "source"), order);

            List<Received> results = TOPICS.results().withKey(order);
            assertEquals(1, results.stream().map(Received::partition).distinct().count(),
                    "all results of " + order + " on one partition: " + results);
            for (int r = 1; r < results.size(); r++) {
                assertTrue(results.get(r).offset() > results.get(r - 1).offset(), "in command order: " + results);
            }
            JsonNode refund = results.get(1).json();
            assertEquals(refundNo(order), refund.get("refundNo").asText());
            assertEquals(refundAmount(i), refund.get("orderAmount").asInt());

            assertEquals(List.of(ScanForPaySandbox.PAY_PATH, ScanForPaySandbox.REFUND_PATH),
                    sandbox().calls().stream().filter(call -> order.equals(call.partnerOrderNo()))
                            .map(SandboxCall::path).toList(), "paid once, then refunded once");
            assertEquals(refundAmount(i), sandbox().order(order).orElseThrow().refundedAmount());
            assertEquals(List.of("PAY/SUCCESS/PAY_RESPONSE"),
                    TOPICS.results().fieldsWithKey(markers.get(i), "type", "outcome", "source"));
        }
    }

    /** Every other order is refunded in full (then also published REFUNDED), the others in part. */
    private static int refundAmount(int index) {
        return index % 2 == 0 ? PAID_AMOUNT : 700;
    }

    private static String refundNo(String order) {
        return "r" + order;
    }

    private static List<SandboxCall> refundCalls(String order) {
        return sandbox().calls(ScanForPaySandbox.REFUND_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).toList();
    }

    private static ScanForPaySandbox sandbox() {
        return GatewayTestStack.sandbox();
    }
}
