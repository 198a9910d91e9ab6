package com.scanforpay.gateway.resolution;

import static com.scanforpay.gateway.payment.DecisionFixture.SECOND;
import static com.scanforpay.gateway.payment.DecisionFixture.SECOND_STORE;
import static com.scanforpay.gateway.payment.DecisionFixture.pay;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Decision;
import com.scanforpay.gateway.payment.DecisionFixture;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link ResolutionDecisions} on its own: plain JUnit, no Camel, no Quarkus; the real ledger on the test JVM's
 * PostgreSQL and the real state machine ({@link DecisionFixture}). The entries are read from the ledger as the
 * resolver's claim reads them, and {@code databaseNow} is the database's time of that read. Every test pays its own
 * new order, through the second partner, so that "the partner it was sent through" shows.
 */
class ResolutionDecisionsTest {

    private final DecisionFixture fx = new DecisionFixture();
    private final ResolutionDecisions decisions = fx.resolutions;

    // ---------------------------------------------------------------- resolve

    @Test
    void aSettledPaymentDueRepublishesItsStoredResultWithoutACall() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        PaymentResult paid = fx.paid(pay);
        LedgerEntry due = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.SUCCESS, due.state());
        assertTrue(due.nextCheckAt() != null, "not confirmed on Kafka: still due");

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class, decisions.resolve(due, due.readAt()));
        assertEquals(List.of(paid), publish.results());
    }

    @Test
    void anUnresolvedPaymentIsQueriedForItsStoreThroughItsPartner() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        LedgerEntry due = fx.admitted(pay);

        Decision.Call call = assertInstanceOf(Decision.Call.class, decisions.resolve(due, due.readAt()));
        assertEquals(SECOND, call.partner());
        assertEquals(new PaymentCommand(CommandType.QUERY, SECOND_STORE, pay.partnerOrderNo(), null, null, null, null,
                null, null, null), call.command());
        assertEquals(PaymentState.PAYING, fx.entry(pay.partnerOrderNo()).state(), "nothing moved before the answer");
    }

    @Test
    void aPaymentWhosePartnerIsNoLongerConfiguredIsAskedOfNobody() {
        // its store is served by the second partner now: it must not be asked through that account either
        LedgerEntry due = fx.admittedThroughGonePartner(SECOND_STORE);
        String order = due.partnerOrderNo();

        assertSame(Decision.NOTHING, decisions.resolve(due, due.readAt()));
        LedgerEntry after = fx.entry(order);
        assertEquals(PaymentState.CHECKING, after.state(), "inconclusive: on its way to UNKNOWN at the deadline");
        assertEquals("not sent: " + ProviderCalls.noPartner(due), after.lastReason());
        assertEquals(1, after.queries());
        assertEquals(1, after.payAttempts(), "never paid again");
    }

    // ---------------------------------------------------------------- applyAnswer / payAgain

    @Test
    void orderNotFoundAfterATimedOutFirstPaySendsTheStoredPayAgain() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        LedgerEntry due = timedOut(pay);
        assertEquals(PaymentState.CHECKING, due.state());

        Decision.CallAgain again = assertInstanceOf(Decision.CallAgain.class,
                decisions.applyAnswer(due, SECOND, orderNotFound(), due.readAt()));
        assertEquals(pay, again.pay(), "the pay command as received, from the ledger");
        assertEquals(SECOND, again.partner());
        assertEquals(EnumSet.of(PaymentState.CHECKING), again.step().from());
        assertEquals(PaymentState.PAYING, again.step().to());
        assertTrue(again.step().resendPay());
        assertEquals(PaymentState.CHECKING, fx.entry(pay.partnerOrderNo()).state(), "moved only by payAgain");
    }

    @Test
    void orderNotFoundForAPayingPaymentWhoseCallNeverReportedBackSendsItAgain() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        LedgerEntry due = fx.admitted(pay);

        Decision.CallAgain again = assertInstanceOf(Decision.CallAgain.class,
                decisions.applyAnswer(due, SECOND, orderNotFound(), due.readAt()));
        assertEquals(pay, again.pay());
        assertEquals(EnumSet.of(PaymentState.PAYING), again.step().from());
        assertEquals(PaymentState.PAYING, again.step().to());
    }

    @Test
    void onlyOnePathSendsThePayAgain() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        LedgerEntry due = timedOut(pay);
        // two paths (instances, or a late claim) got the same answer for the same entry
        Decision.CallAgain first = assertInstanceOf(Decision.CallAgain.class,
                decisions.applyAnswer(due, SECOND, orderNotFound(), due.readAt()));
        Decision.CallAgain second = assertInstanceOf(Decision.CallAgain.class,
                decisions.applyAnswer(due, SECOND, orderNotFound(), due.readAt()));
        assertEquals(first.step(), second.step());

        Decision.Call call = assertInstanceOf(Decision.Call.class, decisions.payAgain(due, first));
        assertEquals(pay, call.command());
        assertEquals(SECOND, call.partner());
        LedgerEntry paying = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.PAYING, paying.state());
        assertEquals(2, paying.payAttempts());

        assertSame(Decision.NOTHING, decisions.payAgain(due, second));
        assertEquals(2, fx.entry(pay.partnerOrderNo()).payAttempts(), "sent again once");
    }

    @Test
    void orderNotFoundAfterTheSecondAttemptIsNotSentAThirdTime() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        LedgerEntry due = timedOut(pay);
        assertInstanceOf(Decision.Call.class, decisions.payAgain(due, assertInstanceOf(Decision.CallAgain.class,
                decisions.applyAnswer(due, SECOND, orderNotFound(), due.readAt()))));
        LedgerEntry resent = fx.entry(pay.partnerOrderNo());

        assertSame(Decision.NOTHING, decisions.applyAnswer(resent, SECOND, orderNotFound(), resent.readAt()));
        LedgerEntry after = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.CHECKING, after.state());
        assertEquals(2, after.payAttempts());
        assertTrue(after.lastReason().startsWith("provider has no such order after 2 pay attempts"),
                after.lastReason());
    }

    @Test
    void aPaidAnswerToTheQuerySettlesAndPublishes() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        LedgerEntry due = timedOut(pay);

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class,
                decisions.applyAnswer(due, SECOND, DecisionFixture.paidReply(pay), due.readAt()));
        PaymentResult result = publish.results().get(0);
        assertEquals(CommandType.PAY, result.type());
        assertEquals(Outcome.SUCCESS, result.outcome());
        LedgerEntry after = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.SUCCESS, after.state());
        assertNull(fx.ledger.payCommand(pay.partnerOrderNo()).orElse(null), "the barcode is not kept once settled");
    }

    /** {@code pay} admitted and its first call timed out: CHECKING, one attempt, its pay command kept. */
    private LedgerEntry timedOut(PaymentCommand pay) {
        fx.admitted(pay);
        ProviderReply timeout = fx.providerCalls.noAnswer("req-" + pay.partnerOrderNo(), new TimeoutException());
        assertSame(Decision.NOTHING, fx.payments.afterPay(pay, timeout, 1));
        LedgerEntry due = fx.entry(pay.partnerOrderNo());
        assertEquals(1, due.payAttempts());
        return due;
    }

    private static ProviderReply.Order orderNotFound() {
        return new ProviderReply.Order(new OrderResult(OrderResult.CODE_ORDER_NOT_FOUND, "order not found", null,
                null, null, null, null, null, null, null, null), "req-query");
    }
}
