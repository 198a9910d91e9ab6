package com.scanforpay.gateway.ledger;

import static com.scanforpay.gateway.ledger.LedgerFixture.admit;
import static com.scanforpay.gateway.ledger.LedgerFixture.concurrently;
import static com.scanforpay.gateway.ledger.LedgerFixture.dataSource;
import static com.scanforpay.gateway.ledger.LedgerFixture.orderNo;
import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The refunds' semantics against a real PostgreSQL (the test JVM's shared server, {@link LedgerFixture}): admission
 * against the paid amount, moves, a full refund making the payment REFUNDED, the refund deadline. Every test uses its
 * own order and refund numbers.
 */
class RefundLedgerTest {

    private static final String REFUNDED_RESULT = "{\"outcome\":\"REFUNDED\"}";
    private static final Duration GRACE = Duration.ofMinutes(5);

    private static PaymentLedger ledger;
    private static RefundLedger refunds;

    @BeforeAll
    static void ledgers() {
        ledger = LedgerFixture.ledger();
        refunds = new RefundLedger(LedgerFixture.database());
    }

    @Test
    void refundIsRefusedWhileTheOrderIsNotPaid() {
        String order = orderNo();
        admit(order, 2100);

        RefundAdmission paying = refunds.admitRefund(refundNo(), order, 100);
        assertEquals(new RefundAdmission.Refused("partnerOrderNo", "order " + order + " is not paid (PAYING)"),
                paying);

        ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.FAILED, PaymentUpdate.none());
        String refundNo = refundNo();
        assertEquals(new RefundAdmission.Refused("partnerOrderNo", "order " + order + " is not paid (FAILED)"),
                refunds.admitRefund(refundNo, order, 100));
        assertTrue(refunds.findRefund(refundNo).isEmpty(), "a refused refund leaves no row");
    }

    @Test
    void refundIsRefusedWhenRefundsInProgressOrDoneWouldExceedThePaidAmount() {
        String order = paid(2100);
        String done = refundNo();
        String processing = refundNo();
        admitted(refunds.admitRefund(done, order, 500));
        assertTrue(succeed(done, Set.of(RefundState.REFUNDING), null));
        admitted(refunds.admitRefund(processing, order, 500));
        assertTrue(refunds.moveRefund(processing, Set.of(RefundState.REFUNDING), RefundState.PENDING, null));
        String unknown = refundNo();
        admitted(refunds.admitRefund(unknown, order, 500));
        assertTrue(refunds.moveRefund(unknown, Set.of(RefundState.REFUNDING), RefundState.UNKNOWN, null));
        admitted(refunds.admitRefund(refundNo(), order, 500)); // still REFUNDING

        RefundAdmission tooMuch = refunds.admitRefund(refundNo(), order, 101);

        assertEquals(new RefundAdmission.Refused("orderAmount", "refunds of order " + order
                + " would exceed the paid amount 2100: 2000 already refunded or in progress"), tooMuch);
        admitted(refunds.admitRefund(refundNo(), order, 100)); // exactly what is left
        assertInstanceOf(RefundAdmission.Refused.class, refunds.admitRefund(refundNo(), order, 1));
    }

    @Test
    void failedRefundsDoNotCount() {
        String order = paid(1000);
        String failed = refundNo();
        admitted(refunds.admitRefund(failed, order, 1000));
        assertTrue(refunds.moveRefund(failed, Set.of(RefundState.REFUNDING), RefundState.FAILED, "{\"failed\":1}"));

        RefundEntry again = admitted(refunds.admitRefund(refundNo(), order, 1000));

        assertEquals(RefundState.REFUNDING, again.state());
        assertEquals(0, ledger.find(order).orElseThrow().refundedAmount());
    }

    @Test
    void repeatedRefundNoIsExistingForTheSameRefundAndRefusedForAnother() {
        String order = paid(2100);
        String other = paid(2100);
        String refundNo = refundNo();
        RefundEntry first = admitted(refunds.admitRefund(refundNo, order, 300));
        assertEquals(refundNo, first.refundNo());
        assertEquals(order, first.partnerOrderNo());
        assertEquals(300, first.amount());
        assertNull(first.finalResult());
        assertNotNull(first.createdAt());

        assertEquals(new RefundAdmission.Existing(first), refunds.admitRefund(refundNo, order, 300));
        RefundAdmission.Refused refused = new RefundAdmission.Refused("refundNo",
                "refundNo " + refundNo + " was already used for another refund");
        assertEquals(refused, refunds.admitRefund(refundNo, order, 400));
        assertEquals(refused, refunds.admitRefund(refundNo, other, 300));

        assertTrue(succeed(refundNo, Set.of(RefundState.REFUNDING), "{\"ok\":1}"));
        RefundAdmission afterSuccess = refunds.admitRefund(refundNo, order, 300);
        RefundEntry known = assertInstanceOf(RefundAdmission.Existing.class, afterSuccess).entry();
        assertEquals(RefundState.SUCCESS, known.state());
        assertEquals("{\"ok\":1}", known.finalResult(), "republished for the repeat");
    }

    @Test
    void refundOfAnOrderUnknownToTheLedgerIsAdmitted() {
        String order = orderNo();
        String refundNo = refundNo();

        RefundEntry entry = admitted(refunds.admitRefund(refundNo, order, 999_999));

        assertEquals(RefundState.REFUNDING, entry.state());
        assertEquals(entry, refunds.findRefund(refundNo).orElseThrow());
        assertTrue(succeed(refundNo, Set.of(RefundState.REFUNDING), null),
                "success of a refund paid elsewhere: nothing to add to");
        assertTrue(ledger.find(order).isEmpty());
        assertTrue(refunds.findRefund(refundNo()).isEmpty());
    }

    @Test
    void concurrentRefundsNeverExceedThePaidAmount() throws Exception {
        RefundLedger first = new RefundLedger(dataSource(GatewayTestStack.postgres().jdbcUrl()));
        RefundLedger second = new RefundLedger(dataSource(GatewayTestStack.postgres().jdbcUrl()));
        String order = paid(2100);

        List<RefundAdmission> admissions = concurrently(10,
                i -> (i % 2 == 0 ? first : second).admitRefund(refundNo(), order, 300));

        assertEquals(7, admissions.stream().filter(RefundAdmission.Admitted.class::isInstance).count(),
                admissions.toString());
        assertEquals(3, admissions.stream().filter(RefundAdmission.Refused.class::isInstance).count());
    }

    @Test
    void successfulRefundsAddUpAndAFullRefundMakesThePaymentRefunded() {
        String order = paid(2100);
        String part = refundNo();
        String rest = refundNo();
        admitted(refunds.admitRefund(part, order, 1000));
        admitted(refunds.admitRefund(rest, order, 1100));

        assertTrue(refunds.moveRefund(part, Set.of(RefundState.REFUNDING), RefundState.PENDING, null));
        assertFalse(refunds.moveRefund(part, Set.of(RefundState.REFUNDING), RefundState.PENDING, null),
                "cannot move twice");
        assertTrue(succeed(part, Set.of(RefundState.PENDING), "{\"part\":1}"));
        LedgerEntry partly = ledger.find(order).orElseThrow();
        assertEquals(1000, partly.refundedAmount());
        assertEquals(PaymentState.SUCCESS, partly.state(), "partly refunded: still paid");
        assertEquals("{\"part\":1}", refunds.findRefund(part).orElseThrow().finalResult());

        assertTrue(succeed(part, Set.of(RefundState.SUCCESS), null),
                "a refund already SUCCESS may be moved again");
        assertEquals(1000, ledger.find(order).orElseThrow().refundedAmount(), "but is never counted twice");
        assertEquals("{\"part\":1}", refunds.findRefund(part).orElseThrow().finalResult(), "kept by COALESCE");

        assertNull(refunds.moveRefund(part, Set.of(RefundState.SUCCESS), RefundState.SUCCESS, null,
                payment -> REFUNDED_RESULT, GRACE).paymentRefunded(), "a part does not refund the payment in full");
        ledger.confirmPublished(order, PaymentState.SUCCESS);

        RefundMove full = refunds.moveRefund(rest, Set.of(RefundState.REFUNDING, RefundState.PENDING),
                RefundState.SUCCESS, null, payment -> {
                    assertEquals(PaymentState.REFUNDED, payment.state(), "the result is made of the payment as it is");
                    assertEquals(2100, payment.refundedAmount());
                    return REFUNDED_RESULT;
                }, GRACE);
        assertTrue(full.moved());
        assertEquals(REFUNDED_RESULT, full.paymentRefunded(), "its REFUNDED result, to publish");
        LedgerEntry refunded = ledger.find(order).orElseThrow();
        assertEquals(2100, refunded.refundedAmount());
        assertEquals(PaymentState.REFUNDED, refunded.state());
        assertEquals(REFUNDED_RESULT, refunded.finalResult(), "a repeated command is answered REFUNDED");
        assertNotNull(refunded.nextCheckAt(), "due again until its REFUNDED result is confirmed published");
        ledger.confirmPublished(order, PaymentState.REFUNDED);
        assertNull(ledger.find(order).orElseThrow().nextCheckAt(), "then nothing more to do");
        assertFalse(succeed(rest, Set.of(RefundState.REFUNDING, RefundState.PENDING), null));
        assertFalse(succeed(refundNo(), Set.of(RefundState.REFUNDING), null),
                "unknown refund");

        assertEquals(new RefundAdmission.Refused("partnerOrderNo", "order " + order + " is already fully refunded"),
                refunds.admitRefund(refundNo(), order, 1));
    }

    @Test
    void refundsStillOpenAfterTheDeadlineEndUnknownOnlyOnceAnnounced() throws Exception {
        String order = paid(2100);
        String processing = refundNo();
        String inFlight = refundNo();
        String recent = refundNo();
        String done = refundNo();
        admitted(refunds.admitRefund(processing, order, 100));
        refunds.moveRefund(processing, Set.of(RefundState.REFUNDING), RefundState.PENDING, "{\"pending\":1}");
        admitted(refunds.admitRefund(inFlight, order, 100));
        admitted(refunds.admitRefund(done, order, 100));
        succeed(done, Set.of(RefundState.REFUNDING), null);
        makeOld(processing, inFlight, done);
        admitted(refunds.admitRefund(recent, order, 100));

        Function<RefundEntry, String> failing = refund -> {
            throw new IllegalStateException("Kafka refused it");
        };
        assertThrows(IllegalStateException.class, () -> refunds.endOpenRefunds(Duration.ofMinutes(10), 100, failing));
        assertEquals(RefundState.PENDING, refunds.findRefund(processing).orElseThrow().state(),
                "not announced: nothing recorded");

        List<String> announced = new ArrayList<>();
        List<RefundEntry> ended = refunds.endOpenRefunds(Duration.ofMinutes(10), 100, refund -> {
            announced.add(refund.refundNo());
            return "{\"unknown\":\"" + refund.refundNo() + "\"}";
        });

        assertEquals(Set.of(processing, inFlight), new HashSet<>(announced), "open and older than the deadline");
        assertEquals(Set.of(processing, inFlight), ended.stream().map(RefundEntry::refundNo).collect(toSet()));
        for (String refund : List.of(processing, inFlight)) {
            RefundEntry entry = refunds.findRefund(refund).orElseThrow();
            assertEquals(RefundState.UNKNOWN, entry.state());
            assertEquals("{\"unknown\":\"" + refund + "\"}", entry.finalResult());
        }
        assertEquals(RefundState.REFUNDING, refunds.findRefund(recent).orElseThrow().state(), "within its deadline");
        assertEquals(RefundState.SUCCESS, refunds.findRefund(done).orElseThrow().state());
        assertTrue(refunds.endOpenRefunds(Duration.ofMinutes(10), 100, refund -> "{}").stream()
                .noneMatch(refund -> refund.partnerOrderNo().equals(order)), "each is ended once");
        assertInstanceOf(RefundAdmission.Refused.class, refunds.admitRefund(refundNo(), order, 1701),
                "an UNKNOWN refund's amount stays counted");
    }

    // --- helpers

    /** A new order, paid. */
    private static String paid(int amount) {
        String order = orderNo();
        admit(order, amount);
        assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none()));
        return order;
    }

    /** Moves a refund to SUCCESS: a refund of its payment in full is recorded with {@link #REFUNDED_RESULT}. */
    private static boolean succeed(String refundNo, Set<RefundState> from, String finalResult) {
        return refunds.moveRefund(refundNo, from, RefundState.SUCCESS, finalResult, payment -> REFUNDED_RESULT, GRACE)
                .moved();
    }

    /** Makes the refunds a day old. */
    private static void makeOld(String... refundNos) throws SQLException {
        try (Connection connection = LedgerFixture.database().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "UPDATE refunds SET created_at = now() - interval '1 day' WHERE refund_no = ANY(?)")) {
            statement.setArray(1, connection.createArrayOf("varchar", refundNos));
            statement.executeUpdate();
        }
    }

    private static RefundEntry admitted(RefundAdmission admission) {
        return assertInstanceOf(RefundAdmission.Admitted.class, admission).entry();
    }

    private static String refundNo() {
        return OrderNumbers.longest("r");
    }
}
