package com.scanforpay.gateway.payment;

import static com.scanforpay.gateway.testing.GatewayTestStack.COMMANDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.notify.NotifyCallbackRoute;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.Notifications;
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
 * {@code resolverBatch} payments at once. The slow payments ({@link SandboxBarcodes#WAITING_SLOW_QUERIES}) wait
 * for good and each of their queries lasts the whole response timeout, longer here than in the other tests so
 * that a payment held back behind them cannot be mistaken for one merely late. Without notifyUrl: queries, not
 * notifications, settle the payments.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(PaymentResolutionConcurrencyTest.SlowQueries.class)
class PaymentResolutionConcurrencyTest {

    /** Below the sandbox's slow latency, so every slow query times out at it. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(4500);
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
        // notified failed, they are not queried again; the queries in flight end at the response timeout
        for (String order : slow) {
            Notifications.post(notifyUrl.toString(), Notifications.ofTestStack().signed(order,
                    OrderResult.STATUS_FAILED, AMOUNT));
        }
        await().atMost(WAIT).until(() -> resolver.beingResolved() == 0);
    }

    /**
     * No clock: the confirmed payment is settled (by its own query) while every slow query it was paid behind is
     * still unanswered. Held back behind them, it would be settled only after they had timed out.
     */
    @Test
    void aPaymentTheCustomerConfirmedIsSettledWhileTheSlowQueriesAreStillUnanswered() {
        double unansweredBefore = unansweredQueries();
        paySlow(3);
        await().atMost(WAIT).until(() -> slow.stream().allMatch(PaymentResolutionConcurrencyTest::queried));
        // a slow query is in flight (at least the last one asked), as an exchange Camel tracks
        assertTrue(resolver.beingResolved() >= 1, "being resolved: " + resolver.beingResolved());
        assertTrue(camel.getInflightRepository().size("resolve-payment") >= 1, "no resolution in flight");

        String confirmed = PaymentResolutionTest.newOrderNo();
        pay(confirmed, SandboxBarcodes.WAITING_THEN_PAID);
        await().atMost(WAIT).until(() -> outcomes(confirmed).contains("SUCCESS/QUERY"));

        assertEquals(unansweredBefore, unansweredQueries(), "settled only after a slow query had timed out: held "
                + "back behind them");
        assertEquals(slow.size(), slow.stream().mapToLong(PaymentResolutionConcurrencyTest::queries).sum(),
                "each slow payment asked once so far: its first query still unanswered");
        TOPICS.results().awaitCaughtUp();
        assertEquals(List.of("PENDING/PAY_RESPONSE", "SUCCESS/QUERY"), outcomes(confirmed));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(confirmed));
    }

    @Test
    void noMorePaymentsAreResolvedAtOnceThanTheResolverBatch() {
        paySlow(RESOLVER_BATCH + 2);
        await().atMost(WAIT).until(() -> queriedSlow() >= RESOLVER_BATCH);

        // until the first slow queries time out, the places are all taken: nothing more is claimed
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            long queried = queriedSlow();
            int beingResolved = resolver.beingResolved();
            int inFlight = camel.getInflightRepository().size("resolve-payment");
            assertTrue(queried <= RESOLVER_BATCH && beingResolved <= RESOLVER_BATCH && inFlight <= RESOLVER_BATCH,
                    "at most " + RESOLVER_BATCH + " at once, but " + queried + " slow payments queried, "
                    + beingResolved + " being resolved, " + inFlight + " in flight");
        });
        // then the freed places are taken by the others
        await().atMost(WAIT).until(() -> queriedSlow() == slow.size());
    }

    private void paySlow(int count) {
        for (int i = 0; i < count; i++) {
            String order = PaymentResolutionTest.newOrderNo();
            slow.add(order);
            pay(order, SandboxBarcodes.WAITING_SLOW_QUERIES);
        }
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

    /** payQuery calls of this instance that ended without an answer (here: at the response timeout). */
    private double unansweredQueries() {
        Timer calls = meters.find("scanforpay.provider.calls").tag("endpoint", "payQuery").tag("answered", "false")
                .timer();
        return calls == null ? 0 : calls.count();
    }

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome", "source");
    }

    private static void pay(String order, String barcode) {
        TOPICS.kafka().send(COMMANDS, order, Commands.pay(order, barcode, AMOUNT));
    }
}
