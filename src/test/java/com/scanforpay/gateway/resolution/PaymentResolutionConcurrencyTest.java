package com.scanforpay.gateway.resolution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.notify.NotifyCallbackRoute;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.Notifications;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slow provider query holds back no other payment, and an instance never resolves more than
 * {@code resolverBatch} payments at once. The slow payments ({@link SandboxBarcodes#WAITING_HELD_QUERIES}) wait
 * for good and each of their queries is held by the sandbox until the test releases it; the response timeout is
 * far longer than any test here, so no clock ends a slow query, only the release. Without notifyUrl: queries, not
 * notifications, settle the payments.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(PaymentResolutionConcurrencyTest.SlowQueries.class)
class PaymentResolutionConcurrencyTest {

    /** Far past the tests' needs: a held query ends when the test releases it, never at the timeout. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(120);
    private static final int RESOLVER_BATCH = 5;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int AMOUNT = 2100;

    public static class SlowQueries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scanforpay.notify-url", "",
                    "scanforpay.response-timeout", RESPONSE_TIMEOUT.toMillis() + "ms",
                    "scanforpay.pending.resolver-batch", String.valueOf(RESOLVER_BATCH));
        }
    }

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    PaymentResolutionRoute resolver;
    @Inject
    CamelContext camel;
    @Inject
    MeterRegistry meters;
    @TestHTTPResource(NotifyCallbackRoute.PATH)
    URL notifyUrl;

    private final List<String> slow = new ArrayList<>();

    @AfterEach
    void settleTheSlowPayments() {
        // notified failed, they are not queried again; the queries still held are released (answered waiting)
        for (String order : slow) {
            Notifications.post(notifyUrl.toString(), Notifications.ofTestStack().signed(order,
                    OrderResult.STATUS_FAILED, AMOUNT));
        }
        await().atMost(WAIT).until(() -> {
            slow.forEach(GatewayTestStack.sandbox()::release);
            return resolver.beingResolved() == 0;
        });
    }

    /**
     * No clock: the confirmed payment is settled (by its own query) while every slow query it was paid behind is
     * still held by the sandbox. Held back behind them, it could not be settled before the test releases them.
     */
    @Test
    void aPaymentTheCustomerConfirmedIsSettledWhileTheSlowQueriesAreStillUnanswered() {
        double unansweredBefore = unansweredQueries();
        paySlow(3);
        await().atMost(WAIT).until(() -> heldSlow() == slow.size());
        // the slow queries are in flight, as exchanges Camel tracks
        assertTrue(resolver.beingResolved() >= slow.size(), "being resolved: " + resolver.beingResolved());
        assertTrue(camel.getInflightRepository().size("resolve-payment") >= slow.size(), "not in flight");

        String confirmed = OrderNumbers.next("rs");
        TOPICS.pay(confirmed, SandboxBarcodes.WAITING_THEN_PAID, AMOUNT);
        await().atMost(WAIT).until(() -> outcomes(confirmed).contains("SUCCESS/QUERY"));

        assertEquals(slow.size(), heldSlow(), "settled while every slow query was still held: "
                + GatewayTestStack.sandbox().held());
        assertEquals(slow.size(), slow.stream().mapToLong(PaymentResolutionConcurrencyTest::queries).sum(),
                "each slow payment asked once so far: its first query still unanswered");
        assertEquals(unansweredBefore, unansweredQueries(), "no query ended without an answer");
        TOPICS.results().awaitCaughtUp();
        assertEquals(List.of("PENDING/PAY_RESPONSE", "SUCCESS/QUERY"), outcomes(confirmed));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(confirmed));
    }

    @Test
    void noMorePaymentsAreResolvedAtOnceThanTheResolverBatch() {
        paySlow(RESOLVER_BATCH + 2);
        await().atMost(WAIT).until(() -> heldSlow() >= RESOLVER_BATCH);

        // while their queries are held, the places are all taken: nothing more is claimed
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long queried = queriedSlow();
            int beingResolved = resolver.beingResolved();
            int inFlight = camel.getInflightRepository().size("resolve-payment");
            assertTrue(queried <= RESOLVER_BATCH && beingResolved <= RESOLVER_BATCH && inFlight <= RESOLVER_BATCH,
                    "at most " + RESOLVER_BATCH + " at once, but " + queried + " slow payments queried, "
                    + beingResolved + " being resolved, " + inFlight + " in flight");
        });
        assertEquals(RESOLVER_BATCH, heldSlow(), "the batch's queries still held");
        // released (answered waiting), the places are freed and the others are queried
        await().atMost(WAIT).until(() -> {
            slow.forEach(GatewayTestStack.sandbox()::release);
            return queriedSlow() == slow.size();
        });
    }

    private void paySlow(int count) {
        for (int i = 0; i < count; i++) {
            String order = OrderNumbers.next("rs");
            slow.add(order);
            TOPICS.pay(order, SandboxBarcodes.WAITING_HELD_QUERIES, AMOUNT);
        }
    }

    /** Slow payments with a query held by the sandbox, its caller still waiting. */
    private long heldSlow() {
        var held = GatewayTestStack.sandbox().held();
        return slow.stream().filter(held::contains).count();
    }

    private long queriedSlow() {
        return slow.stream().filter(PaymentResolutionConcurrencyTest::queried).count();
    }

    private static boolean queried(String order) {
        return queries(order) > 0;
    }

    private static long queries(String order) {
        return GatewayTestStack.sandbox().calls(ScanForPaySandbox.QUERY_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).count();
    }

    /** payQuery calls of this instance that ended without an answer (at the response timeout). */
    private double unansweredQueries() {
        Timer calls = meters.find("scanforpay.provider.calls").tag("endpoint", "payQuery").tag("answered", "false")
                .timer();
        return calls == null ? 0 : calls.count();
    }

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome", "source");
    }
}
