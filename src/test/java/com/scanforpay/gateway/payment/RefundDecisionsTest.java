package com.scanforpay.gateway.payment;

import static com.scanforpay.gateway.payment.DecisionFixture.SECOND;
import static com.scanforpay.gateway.payment.DecisionFixture.SECOND_STORE;
import static com.scanforpay.gateway.payment.DecisionFixture.pay;
import static com.scanforpay.gateway.payment.DecisionFixture.refund;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.LedgerFixture;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.RefundEntry;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.provider.RefundResult;
import com.scanforpay.gateway.providercall.ProviderReply;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link RefundDecisions} on its own: plain JUnit, no Camel, no Quarkus; the real payment and refund ledgers on the
 * test JVM's PostgreSQL ({@link DecisionFixture}). Refunds of orders the ledger does not know are not allowed. Every
 * test pays its own new order (through the second partner, so that "the partner it was paid through" shows).
 */
class RefundDecisionsTest {

    private static final int PAID = 1000;

    private final DecisionFixture fx = new DecisionFixture();
    private final RefundDecisions decisions = fx.refundDecisions;

    @Test
    void aRefundOfAnOrderNotInTheLedgerIsRejectedNamingPartnerOrderNo() {
        PaymentCommand refund = refund(LedgerFixture.orderNo(), 500);

        PaymentResult rejected = refused(refund, "partnerOrderNo");
        assertTrue(rejected.msg().contains("is not in the ledger"), rejected.msg());
    }

    @Test
    void aRefundOfAPaidOrderIsCalledThroughThePartnerItWasPaidThroughAndRecordedRefunding() {
        PaymentCommand pay = paidOrder();
        PaymentCommand refund = refund(pay.partnerOrderNo(), 400);

        Decision.Call call = assertInstanceOf(Decision.Call.class, decisions.admitRefund(refund));
        assertSame(refund, call.command());
        assertEquals(SECOND, call.partner());
        RefundEntry recorded = refundOf(refund);
        assertEquals(RefundState.REFUNDING, recorded.state());
        assertEquals(400, recorded.amount());
        assertEquals(pay.partnerOrderNo(), recorded.partnerOrderNo());
    }

    @Test
    void aRepeatOfARefundStillWithoutAnswerIsUnknownNeverASecondCall() {
        PaymentCommand pay = paidOrder();
        PaymentCommand refund = refund(pay.partnerOrderNo(), 400);
        assertInstanceOf(Decision.Call.class, decisions.admitRefund(refund));

        PaymentResult unknown = onlyResult(decisions.admitRefund(refund));
        assertEquals(Outcome.UNKNOWN, unknown.outcome());
        assertEquals(CommandType.REFUND, unknown.type());
        assertEquals(ResultSource.REFUND_RESPONSE, unknown.source());
        assertEquals(refund.refundNo(), unknown.refundNo());
        assertEquals(RefundState.UNKNOWN, refundOf(refund).state());

        // and every later repeat gets that same stored result
        assertEquals(List.of(unknown), assertInstanceOf(Decision.Publish.class, decisions.admitRefund(refund))
                .results());
    }

    @Test
    void aRefundAboveWhatIsLeftIsRejectedNamingOrderAmount() {
        PaymentCommand pay = paidOrder();
        assertInstanceOf(Decision.Call.class, decisions.admitRefund(refund(pay.partnerOrderNo(), 600)));
        PaymentCommand tooMuch = refund(pay.partnerOrderNo(), 500);

        PaymentResult rejected = refused(tooMuch, "orderAmount");
        assertTrue(rejected.msg().contains("would exceed the paid amount " + PAID), rejected.msg());
    }

    @Test
    void aRefundOfAnUnpaidOrderIsRejected() {
        PaymentCommand pay = pay(SECOND_STORE, PAID);
        fx.admitted(pay);
        PaymentCommand refund = refund(pay.partnerOrderNo(), 500);

        PaymentResult rejected = refused(refund, "partnerOrderNo");
        assertTrue(rejected.msg().contains("is not paid (PAYING)"), rejected.msg());
    }

    @Test
    void aSuccessfulRefundOfTheFullAmountPublishesTheRefundThenThePaymentRefunded() {
        PaymentCommand pay = paidOrder();
        PaymentResult paid = fx.stored.result(fx.entry(pay.partnerOrderNo()).finalResult());
        PaymentCommand refund = refund(pay.partnerOrderNo(), PAID);
        assertInstanceOf(Decision.Call.class, decisions.admitRefund(refund));

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class,
                decisions.recordRefund(refund, done(PAID, "req-full")));
        assertEquals(2, publish.results().size());
        PaymentResult refunded = publish.results().get(0);
        assertEquals(CommandType.REFUND, refunded.type());
        assertEquals(Outcome.SUCCESS, refunded.outcome());
        assertEquals(refund.refundNo(), refunded.refundNo());
        assertEquals(PAID, refunded.orderAmount());
        assertEquals("req-full", refunded.reqMsgId());
        PaymentResult payment = publish.results().get(1);
        assertEquals(CommandType.PAY, payment.type());
        assertEquals(Outcome.REFUNDED, payment.outcome());
        assertEquals(pay.partnerOrderNo(), payment.partnerOrderNo());
        assertEquals(paid.orderNo(), payment.orderNo(), "the paid result's details carry over");
        assertEquals("req-full", payment.reqMsgId());

        RefundEntry recorded = refundOf(refund);
        assertEquals(RefundState.SUCCESS, recorded.state());
        assertEquals(refunded, fx.stored.result(recorded.finalResult()));
        LedgerEntry entry = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.REFUNDED, entry.state());
        assertEquals(PAID, entry.refundedAmount());
        assertEquals(payment, fx.stored.result(entry.finalResult()));
    }

    @Test
    void aPartialRefundPublishesOnlyItsOwnResultAndTheOneReachingThePaidAmountBoth() {
        PaymentCommand pay = paidOrder();
        PaymentCommand part = refund(pay.partnerOrderNo(), 400);
        assertInstanceOf(Decision.Call.class, decisions.admitRefund(part));

        PaymentResult partResult = onlyResult(decisions.recordRefund(part, done(400, "req-part")));
        assertEquals(CommandType.REFUND, partResult.type());
        assertEquals(Outcome.SUCCESS, partResult.outcome());
        assertEquals(part.refundNo(), partResult.refundNo());
        assertEquals(RefundState.SUCCESS, refundOf(part).state());
        LedgerEntry entry = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.SUCCESS, entry.state());
        assertEquals(400, entry.refundedAmount());

        PaymentCommand rest = refund(pay.partnerOrderNo(), PAID - 400);
        assertInstanceOf(Decision.Call.class, decisions.admitRefund(rest));
        Decision.Publish publish = assertInstanceOf(Decision.Publish.class,
                decisions.recordRefund(rest, done(PAID - 400, "req-rest")));
        assertEquals(List.of(CommandType.REFUND, CommandType.PAY),
                publish.results().stream().map(PaymentResult::type).toList());
        assertEquals(List.of(Outcome.SUCCESS, Outcome.REFUNDED),
                publish.results().stream().map(PaymentResult::outcome).toList());
        assertEquals(PaymentState.REFUNDED, fx.entry(pay.partnerOrderNo()).state());
    }

    @Test
    void anInconclusiveRefundAnswerIsRecordedUnknownAndCounted() {
        PaymentCommand pay = paidOrder();
        PaymentCommand refund = refund(pay.partnerOrderNo(), 400);
        assertInstanceOf(Decision.Call.class, decisions.admitRefund(refund));

        PaymentResult unknown = onlyResult(decisions.recordRefund(refund,
                fx.providerCalls.noAnswer("req-lost", new TimeoutException("timeout"))));
        assertEquals(Outcome.UNKNOWN, unknown.outcome());
        assertEquals(RefundState.UNKNOWN, refundOf(refund).state());
        assertEquals(1.0, fx.meters.counter("scanforpay.refunds.unknown").count());
        assertEquals(0, fx.entry(pay.partnerOrderNo()).refundedAmount());
    }

    /** A new order of {@link #PAID}, paid through the second partner. */
    private PaymentCommand paidOrder() {
        PaymentCommand pay = pay(SECOND_STORE, PAID);
        fx.paid(pay);
        return pay;
    }

    /** Admits {@code refund}: one REJECTED result naming {@code field}, and nothing recorded. */
    private PaymentResult refused(PaymentCommand refund, String field) {
        PaymentResult rejected = onlyResult(decisions.admitRefund(refund));
        assertEquals(Outcome.REJECTED, rejected.outcome());
        assertEquals(CommandType.REFUND, rejected.type());
        assertEquals(ResultSource.VALIDATION, rejected.source());
        assertEquals(refund.partnerOrderNo(), rejected.partnerOrderNo());
        assertEquals(refund.refundNo(), rejected.refundNo());
        assertEquals(1, rejected.errors().size());
        assertEquals(field, rejected.errors().get(0).field());
        assertEquals(rejected.msg(), rejected.errors().get(0).message());
        assertFalse(fx.refunds.findRefund(refund.refundNo()).isPresent(), "nothing recorded");
        return rejected;
    }

    private static ProviderReply.Refund done(int amount, String reqMsgId) {
        return new ProviderReply.Refund(new RefundResult(1, "success", amount, RefundResult.STATUS_DONE, "HKD"),
                reqMsgId);
    }

    private static PaymentResult onlyResult(Decision decision) {
        Decision.Publish publish = assertInstanceOf(Decision.Publish.class, decision);
        assertEquals(1, publish.results().size(), () -> "results: " + publish.results());
        return publish.results().get(0);
    }

    private RefundEntry refundOf(PaymentCommand refund) {
        return fx.refunds.findRefund(refund.refundNo())
                .orElseThrow(() -> new AssertionError("refund " + refund.refundNo() + " not recorded"));
    }
}
