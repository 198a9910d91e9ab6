package com.scanforpay.gateway.payment;

import static com.scanforpay.gateway.payment.DecisionFixture.DEFAULT;
import static com.scanforpay.gateway.payment.DecisionFixture.RESPONSE_TIMEOUT;
import static com.scanforpay.gateway.payment.DecisionFixture.SECOND;
import static com.scanforpay.gateway.payment.DecisionFixture.SECOND_STORE;
import static com.scanforpay.gateway.payment.DecisionFixture.STORE;
import static com.scanforpay.gateway.payment.DecisionFixture.UNSERVED_STORE;
import static com.scanforpay.gateway.payment.DecisionFixture.paidReply;
import static com.scanforpay.gateway.payment.DecisionFixture.pay;
import static com.scanforpay.gateway.payment.DecisionFixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.LedgerFixture;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link PaymentDecisions} on its own: plain JUnit, no Camel, no Quarkus; the real ledger on the test JVM's PostgreSQL
 * and the real state machine ({@link DecisionFixture}). Every test pays its own new order.
 */
class PaymentDecisionsTest {

    private static final Duration PROMPTLY = Duration.ofMillis(20);

    private final DecisionFixture fx = new DecisionFixture();
    private final PaymentDecisions decisions = fx.payments;

    // ---------------------------------------------------------------- admitPayment

    @Test
    void aNewAdmittedPaymentIsCalledThroughThePartnerServingItsStore() {
        PaymentCommand second = pay(SECOND_STORE, 1250);
        Admission admission = fx.admit(second);
        assertInstanceOf(Admission.Admitted.class, admission);
        assertEquals(SECOND.partnerNo(), fx.entry(second.partnerOrderNo()).partnerNo(), "recorded with its partner");

        Decision.Call call = assertInstanceOf(Decision.Call.class, decisions.admitPayment(second, admission, PROMPTLY));
        assertSame(second, call.command());
        assertEquals(SECOND, call.partner());

        PaymentCommand first = pay(STORE, 1250);
        Decision.Call callOfDefault = assertInstanceOf(Decision.Call.class,
                decisions.admitPayment(first, fx.admit(first), PROMPTLY));
        assertSame(first, callOfDefault.command());
        assertEquals(DEFAULT, callOfDefault.partner());
    }

    @Test
    void anAdmittedPaymentThatWaitedLongerThanTheResponseTimeoutIsNeverSent() {
        PaymentCommand pay = pay(STORE, 1250);
        Admission admission = fx.admit(pay);

        assertSame(Decision.NOTHING, decisions.admitPayment(pay, admission, RESPONSE_TIMEOUT.plusMillis(1)));
        LedgerEntry entry = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.PAYING, entry.state(), "left to the resolver, which asks before sending");
        assertEquals(1, entry.payAttempts());

        // exactly the response timeout is still in time
        assertInstanceOf(Decision.Call.class, decisions.admitPayment(pay, admission, RESPONSE_TIMEOUT));
    }

    @Test
    void aConflictIsPublishedAsOneRejectedResultNamingTheConflictsField() {
        PaymentCommand pay = pay(STORE, 1250);
        fx.admitted(pay);
        PaymentCommand other = new PaymentCommand(CommandType.PAY, STORE, pay.partnerOrderNo(), null, pay.barcode(),
                1300, "Tea", "op-2", "T-2", null);
        Admission.Conflict conflict = assertInstanceOf(Admission.Conflict.class, fx.admit(other));
        assertEquals("orderAmount", conflict.field());

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class,
                decisions.admitPayment(other, conflict, PROMPTLY));
        assertEquals(1, publish.results().size());
        PaymentResult rejected = publish.results().get(0);
        assertEquals(Outcome.REJECTED, rejected.outcome());
        assertEquals(CommandType.PAY, rejected.type());
        assertEquals(ResultSource.VALIDATION, rejected.source());
        assertEquals(pay.partnerOrderNo(), rejected.partnerOrderNo());
        assertEquals(1300, rejected.orderAmount(), "the refused command's amount, not the order's");
        assertEquals(List.of(new FieldError("orderAmount", conflict.message())), rejected.errors());
        assertEquals(conflict.message(), rejected.msg());

        LedgerEntry entry = fx.entry(pay.partnerOrderNo());
        assertEquals(1250, entry.orderAmount(), "the first payment is left as it was");
        assertEquals(PaymentState.PAYING, entry.state());
    }

    @Test
    void aRepeatOfASettledPaymentGetsItsStoredResult() {
        PaymentCommand pay = pay(STORE, 1250);
        PaymentResult paid = fx.paid(pay);
        Admission.Existing existing = assertInstanceOf(Admission.Existing.class, fx.admit(pay));

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class,
                decisions.admitPayment(pay, existing, PROMPTLY));
        assertEquals(List.of(paid), publish.results());
        assertEquals(Outcome.SUCCESS, publish.results().get(0).outcome());
    }

    @Test
    void aRepeatOfAnUnresolvedPaymentDoesNothing() {
        PaymentCommand pay = pay(STORE, 1250);
        fx.admitted(pay);
        Admission.Existing existing = assertInstanceOf(Admission.Existing.class, fx.admit(pay));

        assertSame(Decision.NOTHING, decisions.admitPayment(pay, existing, PROMPTLY));
        LedgerEntry entry = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.PAYING, entry.state());
        assertEquals(1, entry.payAttempts(), "never paid again");
    }

    // ---------------------------------------------------------------- afterPay

    @Test
    void aSuccessAnswerToThePayIsPublishedAndSettlesTheLedger() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        fx.admitted(pay);
        ProviderReply.Order answer = paidReply(pay);

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class, decisions.afterPay(pay, answer, 1));
        assertEquals(1, publish.results().size());
        PaymentResult result = publish.results().get(0);
        assertEquals(Outcome.SUCCESS, result.outcome());
        assertEquals(CommandType.PAY, result.type());
        assertEquals(ResultSource.PAY_RESPONSE, result.source());
        assertEquals(pay.partnerOrderNo(), result.partnerOrderNo());
        assertEquals(answer.body().orderNo(), result.orderNo());
        assertEquals(answer.reqMsgId(), result.reqMsgId());

        LedgerEntry entry = fx.entry(pay.partnerOrderNo());
        assertEquals(PaymentState.SUCCESS, entry.state());
        assertEquals(answer.body().orderNo(), entry.providerOrderNo());
        assertEquals(result, fx.stored.result(entry.finalResult()), "kept to answer repeats");
    }

    @Test
    void aSuccessAnswerToAnAttemptThatIsNoLongerTheLatestPublishesNothing() {
        PaymentCommand pay = pay(STORE, 1250);
        fx.admitted(pay);

        assertSame(Decision.NOTHING, decisions.afterPay(pay, paidReply(pay), 2));
        assertEquals(PaymentState.PAYING, fx.entry(pay.partnerOrderNo()).state());
    }

    @Test
    void aTimedOutPayPublishesNothingAndLeavesThePaymentToTheResolver() {
        PaymentCommand pay = pay(STORE, 1250);
        fx.admitted(pay);

        ProviderReply timedOut = fx.providerCalls.noAnswer("req-timeout", new TimeoutException("response timeout"));
        assertSame(Decision.NOTHING, decisions.afterPay(pay, timedOut, 1));
        assertEquals(PaymentState.CHECKING, fx.entry(pay.partnerOrderNo()).state());
    }

    // ---------------------------------------------------------------- prepareQuery / queryAnswered

    @Test
    void aQueryOfAKnownOrderAsksTheLedgersStoreThroughItsPartner() {
        PaymentCommand pay = pay(SECOND_STORE, 1250);
        fx.admitted(pay);
        PaymentCommand query = query(STORE, pay.partnerOrderNo());

        Decision.Call call = assertInstanceOf(Decision.Call.class, decisions.prepareQuery(query));
        assertEquals(SECOND, call.partner());
        assertEquals(new PaymentCommand(CommandType.QUERY, SECOND_STORE, pay.partnerOrderNo(), null, null, null, null,
                null, null, null), call.command());
    }

    @Test
    void aQueryOfAnUnknownOrderAsksItsOwnStoresPartner() {
        PaymentCommand query = query(SECOND_STORE, LedgerFixture.orderNo());

        Decision.Call call = assertInstanceOf(Decision.Call.class, decisions.prepareQuery(query));
        assertSame(query, call.command());
        assertEquals(SECOND, call.partner());
    }

    @Test
    void aQueryForAStoreNoPartnerServesIsAnsweredNotSentWithoutACall() {
        PaymentCommand query = query(UNSERVED_STORE, LedgerFixture.orderNo());

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class, decisions.prepareQuery(query));
        assertEquals(1, publish.results().size());
        PaymentResult result = publish.results().get(0);
        assertEquals(Outcome.UNKNOWN, result.outcome());
        assertEquals(CommandType.QUERY, result.type());
        assertEquals(ResultSource.QUERY, result.source());
        assertEquals(query.partnerOrderNo(), result.partnerOrderNo());
        assertEquals("not sent: " + UnknownStoreException.message(UNSERVED_STORE), result.msg());
        assertNull(result.reqMsgId(), "no call was made");
        assertFalse(fx.ledger.find(query.partnerOrderNo()).isPresent(), "a query records nothing");
    }

    @Test
    void aQueryOfAnOrderPaidThroughAPartnerNoLongerConfiguredIsAnsweredNotSent() {
        String order = fx.admittedThroughGonePartner(SECOND_STORE).partnerOrderNo();

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class,
                decisions.prepareQuery(query(SECOND_STORE, order)));
        PaymentResult result = publish.results().get(0);
        assertEquals(Outcome.UNKNOWN, result.outcome());
        assertEquals("not sent: " + ProviderCalls.noPartner(fx.entry(order)),
                result.msg());
        assertEquals(PaymentState.PAYING, fx.entry(order).state(), "a query changes nothing in the ledger");
    }

    @Test
    void aQueryAnswerIsPublishedAsItIs() {
        PaymentCommand pay = pay(STORE, 1250);
        PaymentCommand query = query(STORE, pay.partnerOrderNo());

        Decision.Publish publish = assertInstanceOf(Decision.Publish.class,
                decisions.queryAnswered(query, paidReply(pay)));
        PaymentResult result = publish.results().get(0);
        assertEquals(Outcome.SUCCESS, result.outcome());
        assertEquals(CommandType.QUERY, result.type());
        assertEquals(ResultSource.QUERY, result.source());
        assertFalse(fx.ledger.find(pay.partnerOrderNo()).isPresent(), "a query records nothing");
    }
}
