package com.scanforpay.gateway.resolution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A payment's deadline is set by the database's clock ({@code now()} at admission) and compared on it: an instance
 * whose own clock runs a minute ahead (several instances on several hosts never agree exactly) neither gives up
 * on a payment early nor skips what it may do before the deadline.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(PaymentDeadlineClockTest.ClockAMinuteAhead.class)
class PaymentDeadlineClockTest {

    /** This instance's clock a minute ahead of the database's (the deadline is 6 s); queries settle payments. */
    public static class ClockAMinuteAhead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scanforpay.notify-url", "");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(AheadClock.class);
        }
    }

    @Alternative
    @ApplicationScoped
    public static class AheadClock {
        @Produces
        @Singleton
        Clock clock() {
            return Clock.offset(Clock.systemDefaultZone(), Duration.ofMinutes(1));
        }
    }

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    /**
     * The provider never got the pay (HTTP 500, then code 30 to the query): the one permitted re-send happens
     * before the deadline, and UNKNOWN only at it. Judged on this instance's clock, the deadline would have passed
     * already: no re-send, and UNKNOWN at the first query.
     */
    @Test
    void theDeadlineIsTheDatabasesNotThisInstancesClockAhead() {
        String order = OrderNumbers.next("rs");
        long sent = System.nanoTime();
        TOPICS.pay(order, SandboxBarcodes.HTTP_500, 2100);

        await().atMost(Duration.ofSeconds(30)).until(() -> !outcomes(order).isEmpty());
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        // counted once everything is in, not at the first arrival: the sweep has since asked twice (so its first
        // pass over the UNKNOWN payment is over, published or not), and every command is handled and read
        long asked = queries(order);
        await().atMost(Duration.ofSeconds(30)).until(() -> queries(order) >= asked + 2);
        TOPICS.awaitSettled();
        assertEquals(List.of("UNKNOWN"), outcomes(order));
        assertEquals("PAY", TOPICS.results().jsonWithKey(order).get(0).get("type").asText());
        assertEquals(2100, TOPICS.results().jsonWithKey(order).get(0).get("orderAmount").asInt());
        assertEquals(2, GatewayTestStack.sandbox().payCalls(order), "the one permitted re-send, before the deadline");
        assertTrue(took.compareTo(GatewayTestStack.PENDING_DEADLINE) >= 0, "UNKNOWN after " + took.toMillis()
                + " ms, before the deadline of " + GatewayTestStack.PENDING_DEADLINE.toMillis() + " ms");
    }

    private static long queries(String order) {
        return GatewayTestStack.sandbox().calls(ScanForPaySandbox.QUERY_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).count();
    }

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome");
    }
}
