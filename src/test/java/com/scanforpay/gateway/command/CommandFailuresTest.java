package com.scanforpay.gateway.command;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.WithoutNotifyUrl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A command that fails for a reason of its own is dead-lettered PROCESSING_FAILED and never holds back the commands
 * behind it; only an outage holds a batch back, and then with a growing pause. The faults are real: a trigger in
 * the real PostgreSQL refuses chosen rows (as a constraint would), and PostgreSQL itself is stopped.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(WithoutNotifyUrl.class)
class CommandFailuresTest {

    private static final String GROUP = "scanforpay-gateway";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Orders and refunds whose rows the trigger refuses, by prefix. */
    private static final String FAILS_ON_INSERT = "fi";
    private static final String FAILS_WHEN_PAID = "fp";
    private static final String REFUND_FAILS_WHEN_DONE = "fr";

    private static final String FAULTS = """
            CREATE SEQUENCE test_injected_outage;
            CREATE SEQUENCE test_injected_once;
            CREATE OR REPLACE FUNCTION test_injected_payment_fault() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'INSERT' AND NEW.partner_order_no LIKE 'fi%' THEN
                    RAISE EXCEPTION 'injected fault: insert of %', NEW.partner_order_no;
                END IF;
                -- the pay answer's move only (a query's move counts the query): the resolver settles it later
                IF TG_OP = 'UPDATE' AND NEW.partner_order_no LIKE 'fp%' AND NEW.state = 'SUCCESS'
                        AND NEW.queries = 0 THEN
                    RAISE EXCEPTION 'injected fault: % paid', NEW.partner_order_no;
                END IF;
                -- once (a sequence is not rolled back with the failed statement): an outage of the pay answer's
                -- move; twice: a failure of one admission (its batch's statement, then its own)
                IF TG_OP = 'UPDATE' AND NEW.partner_order_no LIKE 'fo%' AND NEW.queries = 0
                        AND nextval('test_injected_outage') = 1 THEN
                    RAISE EXCEPTION 'injected outage: %', NEW.partner_order_no USING ERRCODE = '57014';
                END IF;
                IF TG_OP = 'INSERT' AND NEW.partner_order_no LIKE 'fx%' AND nextval('test_injected_once') <= 2 THEN
                    RAISE EXCEPTION 'injected fault, once: insert of %', NEW.partner_order_no;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE OR REPLACE FUNCTION test_injected_refund_fault() RETURNS trigger AS $$
            BEGIN
                IF NEW.refund_no LIKE 'fr%' AND NEW.state = 'SUCCESS' THEN
                    RAISE EXCEPTION 'injected fault: refund % done', NEW.refund_no;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER test_injected_fault_payments BEFORE INSERT OR UPDATE ON payments
                FOR EACH ROW EXECUTE FUNCTION test_injected_payment_fault();
            CREATE TRIGGER test_injected_fault_refunds BEFORE UPDATE ON refunds
                FOR EACH ROW EXECUTE FUNCTION test_injected_refund_fault();
            """;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    MeterRegistry meters;
    @Inject
    PaymentLedger ledger;
    @Inject
    RefundLedger refunds;
    @Inject
    DataSource dataSource;
    @Inject
    CamelContext camel;

    @BeforeAll
    static void injectFaults() throws SQLException {
        execute(FAULTS);
    }

    @AfterAll
    static void removeFaults() throws SQLException {
        execute("DROP TRIGGER test_injected_fault_payments ON payments;"
                + "DROP TRIGGER test_injected_fault_refunds ON refunds; DROP FUNCTION test_injected_payment_fault();"
                + "DROP FUNCTION test_injected_refund_fault(); DROP SEQUENCE test_injected_outage;"
                + "DROP SEQUENCE test_injected_once;");
    }

    @Test
    void aCommandThatFailsForAReasonOfItsOwnIsDeadLetteredAndThoseBehindItGoOn() {
        String key = "k" + OrderNumbers.next(); // one partition for all
        String neverAdmitted = OrderNumbers.next(FAILS_ON_INSERT);
        String failsWhenPaid = OrderNumbers.next(FAILS_WHEN_PAID);
        String refunded = OrderNumbers.next();
        String refundNo = OrderNumbers.next(REFUND_FAILS_WHEN_DONE);
        String after = OrderNumbers.next();
        double heldBefore = redelivered();

        TOPICS.send(key, Commands.pay(refunded, SandboxBarcodes.PAID, 2100));
        TOPICS.send(key, Commands.pay(neverAdmitted, SandboxBarcodes.PAID, 100));
        TOPICS.send(key, Commands.pay(failsWhenPaid, SandboxBarcodes.PAID, 300));
        TOPICS.send(key, Commands.refund(refunded, refundNo, 500));
        TOPICS.send(key, Commands.pay(after, SandboxBarcodes.PAID, 100));
        TOPICS.awaitSettled();

        assertEquals(List.of("SUCCESS/PAY_RESPONSE"), outcomes(after), "the commands behind them went on");
        assertEquals(heldBefore, redelivered(), "nothing was held back: no outage");

        // failed at admission: nothing was written, nothing sent, so it is provably not paid
        JsonNode rejected = TOPICS.awaitOnlyResult(neverAdmitted, WAIT);
        assertEquals("REJECTED", rejected.get("outcome").asText());
        assertTrue(rejected.get("msg").asText().contains("nothing was sent to ScanForPay"), rejected.toString());
        assertEquals(0, GatewayTestStack.sandbox().payCalls(neverAdmitted));
        assertProcessingFailed(neverAdmitted, "injected fault: insert of " + neverAdmitted);

        // failed after the pay call: nothing published now, the resolver's query settles it; paid once
        assertProcessingFailed(failsWhenPaid, "injected fault: " + failsWhenPaid + " paid");
        await().atMost(WAIT).until(() -> !TOPICS.results().withKey(failsWhenPaid).isEmpty());
        assertEquals(PaymentState.SUCCESS, ledger.find(failsWhenPaid).orElseThrow().state());
        assertEquals(1, GatewayTestStack.sandbox().payCalls(failsWhenPaid));

        // failed after the refund call: it may have refunded, so UNKNOWN, never sent again
        await().atMost(WAIT).until(() -> TOPICS.results().withKey(refunded).size() >= 2);
        TOPICS.awaitSettled();
        assertEquals(List.of("SUCCESS/PAY_RESPONSE", "UNKNOWN/REFUND_RESPONSE"), outcomes(refunded));
        assertEquals(refundNo, TOPICS.results().jsonWithKey(refunded).get(1).get("refundNo").asText());
        assertEquals(RefundState.UNKNOWN, refunds.findRefund(refundNo).orElseThrow().state());
        assertEquals(1, GatewayTestStack.sandbox().calls(ScanForPaySandbox.REFUND_PATH).stream()
                .filter(call -> refunded.equals(call.partnerOrderNo())).count());
        Received refundLetter = TOPICS.deadLetters().awaitFirst(letter -> letter.value().contains(refundNo), WAIT);
        assertEquals("PROCESSING_FAILED", refundLetter.headers().get("scanforpay-error-code"));
        assertEquals(3, TOPICS.deadLetters().withKey(key).size(), "each failed command dead-lettered once");

        TOPICS.awaitSettled();
        assertEquals(1, TOPICS.results().withKey(failsWhenPaid).size(), "its one final result, from the query");
        assertEquals("SUCCESS/QUERY", outcomes(failsWhenPaid).get(0));
    }

    @Test
    void aCommandDeadLetteredBeforeAnOutageHeldItsPartitionBackIsNotRunAgainWhenItComesAgain() throws Exception {
        String key = "k" + OrderNumbers.next();
        String heldBack = OrderNumbers.next("fo"); // its pay answer's move meets an outage, once
        // its admission fails (in its batch, then alone): run again, it would be paid
        String failedOnce = OrderNumbers.next("fx");
        double heldBefore = redelivered();
        // one batch: the held-back payment first in the partition, the failed one behind it
        camel.getRouteController().stopRoute("payment-commands");
        TOPICS.send(key, Commands.pay(heldBack, SandboxBarcodes.PAID, 100));
        TOPICS.send(key, Commands.pay(failedOnce, SandboxBarcodes.PAID, 100));
        camel.getRouteController().startRoute("payment-commands");

        await().atMost(WAIT).until(() -> redelivered() > heldBefore);
        await().atMost(WAIT).until(() -> !TOPICS.results().withKey(heldBack).isEmpty());
        TOPICS.awaitSettled();

        assertEquals(List.of("REJECTED/VALIDATION"), outcomes(failedOnce), "told once, and never paid after all");
        assertEquals(0, GatewayTestStack.sandbox().payCalls(failedOnce));
        assertTrue(ledger.find(failedOnce).isEmpty());
        assertEquals(1, TOPICS.deadLetters().all().stream().filter(letter -> letter.value() != null
                && letter.value().contains(failedOnce)).count(), "dead-lettered once");
        assertEquals(List.of("SUCCESS/QUERY"), outcomes(heldBack), "the held-back one paid once, settled by a query");
        assertEquals(1, GatewayTestStack.sandbox().payCalls(heldBack));
    }

    @Test
    void aDatabaseOutageHoldsTheBatchBackWithAGrowingPauseShowsInReadinessAndLosesNothing() throws Exception {
        String order = OrderNumbers.next();
        double heldBefore = redelivered();

        GatewayTestStack.withPostgresDown(() -> {
            TOPICS.send(order, Commands.pay(order, SandboxBarcodes.PAID, 100));
            await().atMost(WAIT).until(() -> redelivered() > heldBefore);
            String health = await().atMost(WAIT).until(this::readiness, body -> body.contains("batchesHeldBack"));
            assertTrue(health.contains("\"Payment commands\""), health);
            // each attempt waits longer than the one before (1 s, 2 s, ...), not a loop every half second
            long first = attempted(redelivered());
            long second = attempted(redelivered());
            long third = attempted(redelivered());
            Duration firstPause = Duration.ofNanos(second - first);
            Duration secondPause = Duration.ofNanos(third - second);
            assertTrue(firstPause.compareTo(Duration.ofMillis(800)) >= 0, "first pause " + firstPause);
            assertTrue(secondPause.compareTo(Duration.ofMillis(1600)) >= 0, "second pause " + secondPause);
            assertEquals(0, GatewayTestStack.sandbox().payCalls(order), "nothing sent while the ledger is down");
        });

        await().atMost(WAIT).until(() -> !TOPICS.results().withKey(order).isEmpty());
        TOPICS.awaitSettled();
        assertEquals(List.of("SUCCESS/PAY_RESPONSE"), outcomes(order));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
        assertTrue(TOPICS.deadLetters().withKey(order).isEmpty(), "an outage is no reason to dead-letter");
        await().atMost(WAIT).until(() -> !readiness().contains("batchesHeldBack"));
    }

    /** Waits until the batch is tried (and held back) once more after {@code count}; when it was. */
    private long attempted(double count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> redelivered() > count);
        return System.nanoTime();
    }

    private void assertProcessingFailed(String order, String cause) {
        Received letter = TOPICS.deadLetters().awaitFirst(candidate -> candidate.value().contains(order), WAIT);
        assertEquals("PROCESSING_FAILED", letter.headers().get("scanforpay-error-code"));
        String message = letter.headers().get("scanforpay-error-message");
        assertTrue(message.contains("LedgerException") || message.contains("PSQLException"), message);
        assertTrue(message.contains(cause), message);
    }

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome", "source");
    }

    /** The readiness report, on the management interface. */
    private String readiness() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(GatewayTestStack.managementUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private double redelivered() {
        Counter counter = meters.find("scanforpay.commands.redelivered").tag("reason", "outage").counter();
        return counter == null ? 0 : counter.count();
    }

    private static void execute(String sql) throws SQLException {
        var postgres = GatewayTestStack.postgres();
        try (Connection connection = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
                postgres.password()); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
