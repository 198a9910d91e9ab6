package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.publishing.PaymentResults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.payment.PaymentStateMachine.Step;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.RefundResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The payment rules on their own: no Quarkus, no ledger, no Camel. */
class PaymentStateMachineTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<PaymentState> UNRESOLVED = EnumSet.of(PaymentState.PAYING, PaymentState.PENDING,
            PaymentState.CHECKING, PaymentState.UNKNOWN);

    private static final String PARTNER_ORDER_NO = "P-20250301-0001";
    private static final String PROVIDER_ORDER_NO = "SFP-9001";
    private static final String STORE_NO = "S001";
    private static final String PARTNER_NO = "10001";
    private static final int AMOUNT = 1250;
    private static final String REQ_MSG_ID = "req-42";

    /** The settings' defaults, written out. */
    private static final ScanForPayConfig.Pending TIMING = new ScanForPayConfig.Pending() {
        @Override
        public Duration firstQueryDelay() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration queryInterval() {
            return Duration.ofSeconds(3);
        }

        @Override
        public Duration deadline() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration sweepInterval() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Duration sweepDuration() {
            return Duration.ofHours(24);
        }

        @Override
        public Duration resolverTick() {
            return Duration.ofMillis(500);
        }

        @Override
        public int resolverBatch() {
            return 100;
        }
    };

    private final ObjectMapper mapper = new ObjectMapper();
    private static final Duration PUBLISH_GRACE = Duration.ofSeconds(50);
    private final PaymentStateMachine machine = new PaymentStateMachine(
            new PaymentResults(Clock.fixed(NOW, ZoneOffset.UTC)), mapper, TIMING, RESPONSE_TIMEOUT, PUBLISH_GRACE);

    private static final PaymentCommand PAY = new PaymentCommand(CommandType.PAY, STORE_NO, PARTNER_ORDER_NO, null,
            "284447106610060508", AMOUNT, "Coffee", "op-1", "T-1", null);

    // ---------------------------------------------------------------- provider answers

    private static OrderResult order(Integer code, String msg, Integer status) {
        boolean ok = code != null && code == OrderResult.CODE_SUCCESS;
        return new OrderResult(code, msg, ok ? PROVIDER_ORDER_NO : null, ok ? PARTNER_ORDER_NO : null,
                ok ? AMOUNT : null, ok ? "ALIPAY" : null, status, ok && status != null && status == 1
                        ? "2025-03-01 10:00:00" : null, ok ? "HKD" : null, ok ? "b***@example.com" : null,
                ok ? "2088000000000001" : null);
    }

    private static ProviderReply.Order reply(Integer code, String msg, Integer status) {
        return new ProviderReply.Order(order(code, msg, status), REQ_MSG_ID);
    }

    private static ProviderReply.Order paid() {
        return reply(1, "success", OrderResult.STATUS_PAID);
    }

    private static ProviderReply.Order waitingForCustomer() {
        return reply(1, "success", OrderResult.STATUS_WAITING);
    }

    private static ProviderReply.Order failedStatus() {
        return reply(1, "success", OrderResult.STATUS_FAILED);
    }

    private static ProviderReply.Order refunded() {
        return reply(1, "success", OrderResult.STATUS_REFUNDED);
    }

    private static ProviderReply.Order noSuchOrder() {
        return reply(OrderResult.CODE_ORDER_NOT_FOUND, "order not exist", null);
    }

    private static ProviderReply.Inconclusive inconclusive(String reason) {
        return new ProviderReply.Inconclusive(ProviderReply.Inconclusive.Kind.TIMEOUT, reason, REQ_MSG_ID);
    }

    // ---------------------------------------------------------------- ledger entries

    /** An entry made 20 s ago: deadline 40 s ahead, sweep for another day. */
    private static LedgerEntry entry(PaymentState state, int payAttempts, int queries) {
        return entryCreated(NOW.minusSeconds(20), state, payAttempts, queries);
    }

    /** An entry whose deadline is exactly now. */
    private static LedgerEntry atDeadline(PaymentState state, int payAttempts) {
        return entryCreated(NOW.minus(TIMING.deadline()), state, payAttempts, 6);
    }

    private static LedgerEntry entryCreated(Instant createdAt, PaymentState state, int payAttempts, int queries) {
        return new LedgerEntry(PARTNER_ORDER_NO, STORE_NO, PARTNER_NO, AMOUNT, "fingerprint", state, null,
                payAttempts, queries, null, null, 0, NOW, createdAt.plus(TIMING.deadline()),
                createdAt.plus(TIMING.sweepDuration()), createdAt, NOW);
    }

    private static LedgerEntry withSweepUntil(LedgerEntry e, Instant sweepUntil) {
        return new LedgerEntry(e.partnerOrderNo(), e.storeNo(), e.partnerNo(), e.orderAmount(),
                e.barcodeFingerprint(), e.state(), e.providerOrderNo(), e.payAttempts(), e.queries(), e.lastReason(),
                e.finalResult(), e.refundedAmount(), e.nextCheckAt(), e.deadlineAt(), sweepUntil, e.createdAt(),
                e.readAt());
    }

    private static LedgerEntry settledWith(PaymentState state, String finalResult) {
        return new LedgerEntry(PARTNER_ORDER_NO, STORE_NO, PARTNER_NO, AMOUNT, "fingerprint", state,
                PROVIDER_ORDER_NO, 1, 0, null, finalResult, 0, null, NOW, NOW.plus(TIMING.sweepDuration()),
                NOW.minusSeconds(20), NOW);
    }

    private static Set<PaymentState> unresolvedAnd(PaymentState extra) {
        Set<PaymentState> states = EnumSet.copyOf(UNRESOLVED);
        states.add(extra);
        return states;
    }

    // ---------------------------------------------------------------- assertions

    private static void assertPublished(Step step, Outcome outcome, ResultSource source) {
        assertNotNull(step.publish(), "a result is published");
        assertEquals(outcome, step.publish().outcome());
        assertEquals(source, step.publish().source());
        assertEquals(CommandType.PAY, step.publish().type());
        assertEquals(PARTNER_ORDER_NO, step.publish().partnerOrderNo());
    }

    /** A final step: provider order number and final result recorded, schedule cleared, result published. */
    private void assertSettled(Step step, Set<PaymentState> from, PaymentState to, Outcome outcome,
            ResultSource source, boolean countsQuery) {
        assertEquals(from, step.from());
        assertEquals(to, step.to());
        assertTrue(step.changesLedger());
        assertFalse(step.resendPay());
        assertPublished(step, outcome, source);
        assertNotNull(step.update().finalResult(), "the final result is kept for repeated commands");
        assertNull(step.update().reason());
        assertEquals(PUBLISH_GRACE, step.update().nextCheckIn(),
                "nothing more to ask; due again only if the result is not confirmed published");
        assertEquals(countsQuery, step.update().countQuery());
        assertFalse(step.update().countPayAttempt());
        assertEquals(step.publish(), machine.storedResult(settledWith(to, step.update().finalResult())),
                "the stored final result reads back as the published one");
    }

    // ================================================================ afterPay

    @Test
    void payAnsweredPaidSettlesSuccessFromEveryUnresolvedState() {
        Step step = machine.afterPay(PAY, paid(), 1);

        assertSettled(step, UNRESOLVED, PaymentState.SUCCESS, Outcome.SUCCESS, ResultSource.PAY_RESPONSE, false);
        assertEquals(1, step.update().onlyAtAttempt(), "applies only while the first call is the latest attempt");
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
        assertEquals(1, step.publish().code());
        assertEquals(OrderResult.STATUS_PAID, step.publish().status());
        assertEquals(PROVIDER_ORDER_NO, step.publish().orderNo());
        assertEquals(REQ_MSG_ID, step.publish().reqMsgId());
        assertEquals(NOW.toString(), step.publish().timestamp());
    }

    @Test
    void storedFinalResultReadsBackAsAnEqualResult() {
        Step step = machine.afterPay(PAY, paid(), 1);

        PaymentResult stored = machine.storedResult(settledWith(PaymentState.SUCCESS, step.update().finalResult()));

        assertEquals(step.publish(), stored);
        assertEquals("ALIPAY", stored.wallet());
        assertEquals(AMOUNT, stored.orderAmount());
        assertNull(stored.errors());
    }

    @Test
    void payDeclinedSettlesFailedWithTheProviderCode() {
        Step step = machine.afterPay(PAY, reply(51, "insufficient balance", null), 1);

        assertSettled(step, UNRESOLVED, PaymentState.FAILED, Outcome.FAILED, ResultSource.PAY_RESPONSE, false);
        assertEquals(1, step.update().onlyAtAttempt());
        assertNull(step.update().providerOrderNo(), "a declined pay has no provider order");
        assertEquals(51, step.publish().code());
        assertEquals("insufficient balance", step.publish().msg());
        assertEquals(51, machine.storedResult(settledWith(PaymentState.FAILED, step.update().finalResult())).code());
    }

    @Test
    void payWaitingForTheCustomerMovesOnlyPayingToPendingAndPublishesPending() {
        Step step = machine.afterPay(PAY, waitingForCustomer(), 1);

        assertEquals(EnumSet.of(PaymentState.PAYING), step.from());
        assertEquals(PaymentState.PENDING, step.to());
        assertFalse(step.resendPay());
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
        assertNull(step.update().reason());
        assertNull(step.update().finalResult(), "PENDING is not final");
        assertEquals(TIMING.firstQueryDelay(), step.update().nextCheckIn());
        assertFalse(step.update().countQuery());
        assertFalse(step.update().countPayAttempt());
        assertPublished(step, Outcome.PENDING, ResultSource.PAY_RESPONSE);
        assertEquals(OrderResult.STATUS_WAITING, step.publish().status());
    }

    @Test
    void aPaidAnswerNamingNoOrderOrAnotherOrderIsNotBelieved() {
        OrderResult paid = paid().body();
        OrderResult namingNone = new OrderResult(1, "success", PROVIDER_ORDER_NO, null, AMOUNT, "ALIPAY", 1,
                paid.payTime(), paid.currency(), null, null);
        OrderResult namingAnother = new OrderResult(1, "success", PROVIDER_ORDER_NO, "P-other", AMOUNT, "ALIPAY", 1,
                paid.payTime(), paid.currency(), null, null);
        for (OrderResult answer : List.of(namingNone, namingAnother)) {
            Step step = machine.afterPay(PAY, new ProviderReply.Order(answer, REQ_MSG_ID), 1);
            assertEquals(PaymentState.CHECKING, step.to(), "asked, never settled by it: " + answer);
            assertNull(step.publish());
            assertEquals("answer names another order", step.update().reason());
        }
    }

    @Test
    void anAnswerIsAboutTheRequestOnlyWhenEveryNumberTheRequestNamedMatches() {
        ProviderReply answer = paid();
        assertSame(answer, PaymentStateMachine.aboutThisPayment(answer, PARTNER_ORDER_NO, PROVIDER_ORDER_NO, AMOUNT));
        assertSame(answer, PaymentStateMachine.aboutThisPayment(answer, null, PROVIDER_ORDER_NO, null), "a QUERY by orderNo");
        assertSame(answer, PaymentStateMachine.aboutThisPayment(answer, PARTNER_ORDER_NO, null, null), "a QUERY");
        assertMismatch(PaymentStateMachine.aboutThisPayment(answer, PARTNER_ORDER_NO, "SFP-other", null),
                "answer names another order");
        assertMismatch(PaymentStateMachine.aboutThisPayment(answer, "P-other", PROVIDER_ORDER_NO, null),
                "answer names another order");
        assertMismatch(PaymentStateMachine.aboutThisPayment(answer, PARTNER_ORDER_NO, null, AMOUNT + 1),
                "answer has amount 1250, not 1251");
        // a refusal names no order, and is believed as a refusal of the request (the pay path decides what it proves)
        ProviderReply declined = reply(51, "insufficient balance", null);
        assertSame(declined, PaymentStateMachine.aboutThisPayment(declined, PARTNER_ORDER_NO, null, AMOUNT));
    }

    @Test
    void aRefundDoneForAnotherAmountIsNotBelieved() {
        ProviderReply done = new ProviderReply.Refund(new RefundResult(1, "success", 600, 1, "JPY"), REQ_MSG_ID);
        assertSame(done, PaymentStateMachine.aboutThisPayment(done, null, null, 600));
        assertMismatch(PaymentStateMachine.aboutThisPayment(done, null, null, 700), "refund answer has amount 600, not 700");
        ProviderReply refused = new ProviderReply.Refund(new RefundResult(42, "exceeds", null, null, null), REQ_MSG_ID);
        assertSame(refused, PaymentStateMachine.aboutThisPayment(refused, null, null, 700));
        // only a refund "done" is tied to the request by its amount: processing and failed answers may carry another
        ProviderReply processing = new ProviderReply.Refund(new RefundResult(1, "success", 0, 0, "JPY"), REQ_MSG_ID);
        assertSame(processing, PaymentStateMachine.aboutThisPayment(processing, null, null, 700));
        ProviderReply failed = new ProviderReply.Refund(new RefundResult(1, "success", 0, 2, "JPY"), REQ_MSG_ID);
        assertSame(failed, PaymentStateMachine.aboutThisPayment(failed, null, null, 700));
    }

    private static void assertMismatch(ProviderReply reply, String reason) {
        ProviderReply.Inconclusive inconclusive = (ProviderReply.Inconclusive) reply;
        assertEquals(ProviderReply.Inconclusive.Kind.MISMATCH, inconclusive.kind());
        assertEquals(reason, inconclusive.reason());
        assertEquals(REQ_MSG_ID, inconclusive.reqMsgId());
    }

    @Test
    void payInconclusiveMovesPayingToCheckingWithoutPublishing() {
        Step step = machine.afterPay(PAY, inconclusive("no answer within 30s"), 1);

        assertEquals(EnumSet.of(PaymentState.PAYING), step.from());
        assertEquals(PaymentState.CHECKING, step.to());
        assertFalse(step.resendPay(), "never pay again blindly");
        assertNull(step.publish(), "nothing is known yet: nothing is published");
        assertEquals("no answer within 30s", step.update().reason());
        assertNull(step.update().providerOrderNo());
        assertNull(step.update().finalResult());
        assertEquals(TIMING.firstQueryDelay(), step.update().nextCheckIn());
        assertFalse(step.update().countQuery());
        assertFalse(step.update().countPayAttempt());
    }

    @Test
    void paySuccessCodeWithoutStatusIsNeverSettled() {
        Step step = machine.afterPay(PAY, reply(1, "success", null), 1);

        assertEquals(EnumSet.of(PaymentState.PAYING), step.from());
        assertEquals(PaymentState.CHECKING, step.to());
        assertNull(step.publish());
        assertFalse(step.resendPay());
        assertNull(step.update().finalResult());
        assertEquals(TIMING.firstQueryDelay(), step.update().nextCheckIn());
    }

    @Test
    void resentPayRefusalIsNotBelievedButQueried() {
        Step step = machine.afterPay(PAY, reply(20, "duplicate partnerOrderNo", null), 2);

        assertEquals(EnumSet.of(PaymentState.PAYING), step.from());
        assertEquals(PaymentState.CHECKING, step.to());
        assertNull(step.publish(), "the first call may have been charged: no FAILED");
        assertEquals(2, step.update().onlyAtAttempt());
        assertFalse(step.resendPay());
        assertNull(step.update().finalResult());
        assertEquals("duplicate partnerOrderNo", step.update().reason());
        assertEquals(TIMING.firstQueryDelay(), step.update().nextCheckIn());
        assertFalse(step.update().countPayAttempt());
    }

    @Test
    void resentPaySuccessIsBelieved() {
        Step step = machine.afterPay(PAY, paid(), 2);

        assertSettled(step, UNRESOLVED, PaymentState.SUCCESS, Outcome.SUCCESS, ResultSource.PAY_RESPONSE, false);
        assertEquals(2, step.update().onlyAtAttempt());
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
    }

    // ================================================================ afterQuery

    @Test
    void queryPaidSettlesSuccess() {
        Step step = machine.afterQuery(entry(PaymentState.CHECKING, 1, 2), paid(), NOW);

        assertSettled(step, UNRESOLVED, PaymentState.SUCCESS, Outcome.SUCCESS, ResultSource.QUERY, true);
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
        assertEquals(REQ_MSG_ID, step.publish().reqMsgId());
    }

    @Test
    void queryFailedStatusSettlesFailed() {
        Step step = machine.afterQuery(entry(PaymentState.PENDING, 1, 2), failedStatus(), NOW);

        assertSettled(step, UNRESOLVED, PaymentState.FAILED, Outcome.FAILED, ResultSource.QUERY, true);
        assertEquals(OrderResult.STATUS_FAILED, step.publish().status());
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
    }

    @Test
    void queryRefundedSettlesRefundedAlsoFromSuccess() {
        Step step = machine.afterQuery(entry(PaymentState.UNKNOWN, 1, 30), refunded(), NOW);

        assertSettled(step, unresolvedAnd(PaymentState.SUCCESS), PaymentState.REFUNDED, Outcome.REFUNDED,
                ResultSource.QUERY, true);
        assertEquals(OrderResult.STATUS_REFUNDED, step.publish().status());
    }

    @Test
    void queryWaitingBeforeTheDeadlineStaysPendingAndAsksEveryInterval() {
        Step step = machine.afterQuery(entry(PaymentState.PENDING, 1, 3), waitingForCustomer(), NOW);

        assertEquals(EnumSet.of(PaymentState.PENDING), step.from());
        assertEquals(PaymentState.PENDING, step.to());
        assertFalse(step.resendPay());
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
        assertNull(step.update().reason());
        assertNull(step.update().finalResult());
        assertEquals(TIMING.queryInterval(), step.update().nextCheckIn());
        assertTrue(step.update().countQuery());
        assertFalse(step.update().countPayAttempt());
        // published again on every poll; repeats of a published outcome are dropped downstream
        assertPublished(step, Outcome.PENDING, ResultSource.QUERY);
    }

    @Test
    void queryWaitingAtTheDeadlinePublishesUnknown() {
        Step step = machine.afterQuery(atDeadline(PaymentState.PENDING, 1), waitingForCustomer(), NOW);

        assertEquals(EnumSet.of(PaymentState.PENDING), step.from());
        assertEquals(PaymentState.UNKNOWN, step.to());
        assertFalse(step.resendPay());
        assertPublished(step, Outcome.UNKNOWN, ResultSource.QUERY);
        assertTrue(step.publish().msg().contains("deadline"), step.publish().msg());
        assertTrue(step.update().reason().contains("deadline"), step.update().reason());
        assertNull(step.update().finalResult(), "UNKNOWN is not final");
        assertEquals(TIMING.sweepInterval(), step.update().nextCheckIn());
        assertTrue(step.update().countQuery());
        assertFalse(step.update().countPayAttempt());
    }

    @Test
    void queryWaitingAfterTheDeadlinePublishesUnknown() {
        LedgerEntry late = entryCreated(NOW.minusSeconds(75), PaymentState.CHECKING, 1, 5);

        Step step = machine.afterQuery(late, waitingForCustomer(), NOW);

        assertEquals(EnumSet.of(PaymentState.CHECKING), step.from());
        assertEquals(PaymentState.UNKNOWN, step.to());
        assertPublished(step, Outcome.UNKNOWN, ResultSource.QUERY);
        assertEquals(TIMING.sweepInterval(), step.update().nextCheckIn());
    }

    @Test
    void queryWaitingWhileUnknownStaysUnknownAndOffersOnlyUnknownAgain() {
        LedgerEntry unknown = entryCreated(NOW.minus(Duration.ofHours(1)), PaymentState.UNKNOWN, 1, 40);

        Step step = machine.afterQuery(unknown, waitingForCustomer(), NOW);

        assertEquals(EnumSet.of(PaymentState.UNKNOWN), step.from());
        assertEquals(PaymentState.UNKNOWN, step.to(), "never back from UNKNOWN to PENDING");
        // offered again in case the first was lost in a crash; the publishing step drops it as a repeat
        assertPublished(step, Outcome.UNKNOWN, ResultSource.QUERY);
        assertFalse(step.resendPay());
        assertNull(step.update().finalResult());
        assertEquals(TIMING.sweepInterval(), step.update().nextCheckIn());
        assertTrue(step.update().countQuery());
        assertFalse(step.update().countPayAttempt());
    }

    @Test
    void queryNoSuchOrderWhileCheckingResendsThePayOnce() {
        Step step = machine.afterQuery(entry(PaymentState.CHECKING, 1, 1), noSuchOrder(), NOW);

        assertTrue(step.resendPay());
        assertEquals(EnumSet.of(PaymentState.CHECKING), step.from());
        assertEquals(PaymentState.PAYING, step.to());
        assertNull(step.publish());
        assertTrue(step.update().countPayAttempt());
        assertTrue(step.update().countQuery());
        assertNull(step.update().finalResult());
        assertTrue(step.update().reason().contains("no such order"), step.update().reason());
        assertEquals(Duration.ofSeconds(35), step.update().nextCheckIn());
    }

    @Test
    void queryNoSuchOrderWhilePayingResendsThePayOnce() {
        // the instance making the pay call died: its row became due after responseTimeout + firstQueryDelay
        Step step = machine.afterQuery(entry(PaymentState.PAYING, 1, 0), noSuchOrder(), NOW);

        assertTrue(step.resendPay());
        assertEquals(EnumSet.of(PaymentState.PAYING), step.from());
        assertEquals(PaymentState.PAYING, step.to());
        assertNull(step.publish());
        assertTrue(step.update().countPayAttempt());
        assertEquals(RESPONSE_TIMEOUT.plus(TIMING.firstQueryDelay()), step.update().nextCheckIn());
    }

    @Test
    void queryNoSuchOrderAfterTwoPayAttemptsDoesNotResend() {
        Step step = machine.afterQuery(entry(PaymentState.CHECKING, 2, 1), noSuchOrder(), NOW);

        assertFalse(step.resendPay(), "the pay is re-sent at most once");
        assertEquals(EnumSet.of(PaymentState.CHECKING), step.from());
        assertEquals(PaymentState.CHECKING, step.to());
        assertNull(step.publish());
        assertFalse(step.update().countPayAttempt());
        assertTrue(step.update().countQuery());
        assertNull(step.update().finalResult());
        assertTrue(step.update().reason().contains("no such order after 2 pay attempts"), step.update().reason());
        assertEquals(Duration.ofSeconds(6), step.update().nextCheckIn(), "back-off after one query");
    }

    @Test
    void queryNoSuchOrderWhilePayingAfterTwoAttemptsMovesToChecking() {
        Step step = machine.afterQuery(entry(PaymentState.PAYING, 2, 0), noSuchOrder(), NOW);

        assertFalse(step.resendPay());
        assertEquals(EnumSet.of(PaymentState.PAYING), step.from());
        assertEquals(PaymentState.CHECKING, step.to());
        assertNull(step.publish());
        assertEquals(TIMING.queryInterval(), step.update().nextCheckIn());
    }

    @Test
    void queryNoSuchOrderWhilePendingDoesNotResend() {
        // the provider said "waiting" before: it has the order, whatever it says now
        Step step = machine.afterQuery(entry(PaymentState.PENDING, 1, 4), noSuchOrder(), NOW);

        assertFalse(step.resendPay());
        assertEquals(EnumSet.of(PaymentState.PENDING), step.from());
        assertEquals(PaymentState.PENDING, step.to());
        assertNull(step.publish());
        assertFalse(step.update().countPayAttempt());
        assertTrue(step.update().countQuery());
        assertEquals(TIMING.queryInterval(), step.update().nextCheckIn());
    }

    @Test
    void queryNoSuchOrderAfterTwoPayAttemptsAtTheDeadlinePublishesUnknown() {
        Step step = machine.afterQuery(atDeadline(PaymentState.CHECKING, 2), noSuchOrder(), NOW);

        assertFalse(step.resendPay());
        assertEquals(EnumSet.of(PaymentState.CHECKING), step.from());
        assertEquals(PaymentState.UNKNOWN, step.to());
        assertPublished(step, Outcome.UNKNOWN, ResultSource.QUERY);
        assertTrue(step.publish().msg().contains("no such order"), step.publish().msg());
        assertTrue(step.publish().msg().contains("deadline"), step.publish().msg());
        assertNull(step.update().finalResult());
        assertEquals(TIMING.sweepInterval(), step.update().nextCheckIn());
    }

    @Test
    void queryNoSuchOrderAtTheDeadlineNeverResendsThePay() {
        // the customer has left the till: paying now would charge after UNKNOWN may have been published
        Step step = machine.afterQuery(atDeadline(PaymentState.CHECKING, 1), noSuchOrder(), NOW);

        assertFalse(step.resendPay());
        assertEquals(PaymentState.UNKNOWN, step.to());
        assertPublished(step, Outcome.UNKNOWN, ResultSource.QUERY);
        assertFalse(step.update().countPayAttempt());
    }

    @Test
    void queryInconclusiveShortlyBeforeTheDeadlineAsksAgainAtTheDeadline() {
        // 3 queries would back off 24 s; the deadline is 1 s away: the next query falls on it
        LedgerEntry entry = entryCreated(NOW.minus(TIMING.deadline()).plusSeconds(1), PaymentState.CHECKING, 1, 3);

        Step step = machine.afterQuery(entry, inconclusive("HTTP 503"), NOW);

        assertEquals(PaymentState.CHECKING, step.to());
        assertEquals(Duration.ofSeconds(1), step.update().nextCheckIn());
    }

    @Test
    void anAnswerAboutAnotherOrderOrAmountSettlesNothing() {
        OrderResult otherOrder = new OrderResult(1, "success", PROVIDER_ORDER_NO, "someone-else", AMOUNT, "ALIPAY",
                OrderResult.STATUS_PAID, null, "JPY", null, null);
        OrderResult otherAmount = new OrderResult(1, "success", PROVIDER_ORDER_NO, PARTNER_ORDER_NO, AMOUNT + 1,
                "ALIPAY", OrderResult.STATUS_PAID, null, "JPY", null, null);

        for (OrderResult body : List.of(otherOrder, otherAmount)) {
            Step query = machine.afterQuery(entry(PaymentState.CHECKING, 1, 0),
                    new ProviderReply.Order(body, REQ_MSG_ID), NOW);
            Step pay = machine.afterPay(PAY, new ProviderReply.Order(body, REQ_MSG_ID), 1);

            assertEquals(PaymentState.CHECKING, query.to(), body.toString());
            assertNull(query.publish());
            assertEquals(PaymentState.CHECKING, pay.to(), body.toString());
            assertNull(pay.publish());
        }
    }

    @Test
    void queryInconclusiveBacksOffWithTheNumberOfQueriesUpToThirtySeconds() {
        List<Duration> expected = List.of(Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(12),
                Duration.ofSeconds(24), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
        List<Duration> actual = new ArrayList<>();
        for (int queries = 0; queries < expected.size(); queries++) {
            Step step = machine.afterQuery(entry(PaymentState.CHECKING, 1, queries), inconclusive("read timed out"),
                    NOW);
            assertEquals(EnumSet.of(PaymentState.CHECKING), step.from());
            assertEquals(PaymentState.CHECKING, step.to());
            assertNull(step.publish());
            assertFalse(step.resendPay());
            assertEquals("read timed out", step.update().reason());
            assertTrue(step.update().countQuery());
            assertNull(step.update().finalResult());
            actual.add(step.update().nextCheckIn());
        }
        assertEquals(expected, actual);
    }

    @Test
    void queryInconclusiveWhilePendingKeepsTheQueryInterval() {
        Step step = machine.afterQuery(entry(PaymentState.PENDING, 1, 5), inconclusive("HTTP 502"), NOW);

        assertEquals(EnumSet.of(PaymentState.PENDING), step.from());
        assertEquals(PaymentState.PENDING, step.to());
        assertNull(step.publish());
        assertEquals("HTTP 502", step.update().reason());
        assertEquals(TIMING.queryInterval(), step.update().nextCheckIn());
    }

    @Test
    void queryInconclusiveAtTheDeadlinePublishesUnknownNeverFailed() {
        Step step = machine.afterQuery(atDeadline(PaymentState.CHECKING, 1), inconclusive("read timed out"), NOW);

        assertEquals(PaymentState.UNKNOWN, step.to());
        assertPublished(step, Outcome.UNKNOWN, ResultSource.QUERY);
        assertTrue(step.publish().msg().contains("read timed out"), step.publish().msg());
        assertNull(step.update().finalResult());
    }

    @Test
    void unknownPaymentStopsBeingSweptOnceTheNextSweepWouldPassSweepUntil() {
        LedgerEntry unknown = entryCreated(NOW.minus(Duration.ofHours(23)), PaymentState.UNKNOWN, 1, 100);

        Step over = machine.afterQuery(withSweepUntil(unknown, NOW.plusSeconds(59)), inconclusive("HTTP 503"), NOW);
        Step last = machine.afterQuery(withSweepUntil(unknown, NOW.plusSeconds(60)), inconclusive("HTTP 503"), NOW);

        assertEquals(EnumSet.of(PaymentState.UNKNOWN), over.from());
        assertEquals(PaymentState.UNKNOWN, over.to());
        assertEquals(Outcome.UNKNOWN, over.publish().outcome(), "never anything but UNKNOWN without an answer");
        assertNull(over.update().nextCheckIn(), "sweep over: the payment waits for an operator");
        assertEquals("HTTP 503", over.update().reason());
        assertTrue(over.update().countQuery());
        assertEquals(TIMING.sweepInterval(), last.update().nextCheckIn(), "a sweep landing on sweepUntil still runs");
    }

    @Test
    void queryOtherProviderCodeIsInconclusiveNeverFailed() {
        Step before = machine.afterQuery(entry(PaymentState.CHECKING, 1, 2), reply(99, "system busy", null), NOW);
        Step atDeadline = machine.afterQuery(atDeadline(PaymentState.CHECKING, 1), reply(99, "system busy", null),
                NOW);

        assertEquals(PaymentState.CHECKING, before.to());
        assertNull(before.publish());
        assertFalse(before.resendPay());
        assertNull(before.update().finalResult());
        assertTrue(before.update().reason().contains("99"), before.update().reason());
        assertEquals(Duration.ofSeconds(12), before.update().nextCheckIn());

        assertEquals(PaymentState.UNKNOWN, atDeadline.to());
        assertPublished(atDeadline, Outcome.UNKNOWN, ResultSource.QUERY);
    }

    @Test
    void querySuccessCodeWithUnexpectedStatusIsInconclusive() {
        Step step = machine.afterQuery(entry(PaymentState.CHECKING, 1, 0), reply(1, "success", 7), NOW);

        assertEquals(PaymentState.CHECKING, step.to());
        assertNull(step.publish());
        assertNull(step.update().finalResult());
        assertFalse(step.resendPay());
    }

    // ================================================================ afterNotify

    private PaymentResult notified(int status) {
        return new PaymentResults(Clock.fixed(NOW, ZoneOffset.UTC)).fromNotify(order(1, "success", status),
                "notify-1");
    }

    @Test
    void notifySuccessSettlesFromEveryUnresolvedState() {
        PaymentResult result = notified(OrderResult.STATUS_PAID);

        Step step = machine.afterNotify(entry(PaymentState.PENDING, 1, 0), result);

        assertSettled(step, UNRESOLVED, PaymentState.SUCCESS, Outcome.SUCCESS, ResultSource.NOTIFY, false);
        assertSame(result, step.publish());
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
    }

    @Test
    void notifyFailedSettlesFromEveryUnresolvedState() {
        Step step = machine.afterNotify(entry(PaymentState.CHECKING, 1, 0), notified(OrderResult.STATUS_FAILED));

        assertSettled(step, UNRESOLVED, PaymentState.FAILED, Outcome.FAILED, ResultSource.NOTIFY, false);
        assertEquals(PROVIDER_ORDER_NO, step.update().providerOrderNo());
    }

    @Test
    void notifyRefundedSettlesAlsoFromSuccess() {
        Step step = machine.afterNotify(entry(PaymentState.CHECKING, 1, 0), notified(OrderResult.STATUS_REFUNDED));

        assertSettled(step, unresolvedAnd(PaymentState.SUCCESS), PaymentState.REFUNDED, Outcome.REFUNDED,
                ResultSource.NOTIFY, false);
    }

    @Test
    void notifyPendingIsOnlyPublished() {
        PaymentResult result = notified(OrderResult.STATUS_WAITING);

        Step step = machine.afterNotify(entry(PaymentState.PENDING, 1, 0), result);

        assertFalse(step.changesLedger());
        assertNull(step.to());
        assertTrue(step.from().isEmpty());
        assertNull(step.update());
        assertFalse(step.resendPay());
        assertSame(result, step.publish());
        assertEquals(Outcome.PENDING, step.publish().outcome());
    }

    @Test
    void aLateWaitingNotifyAfterTheOutcomeIsKnownIsNotPublished() {
        for (PaymentState known : List.of(PaymentState.SUCCESS, PaymentState.FAILED, PaymentState.UNKNOWN)) {
            Step step = machine.afterNotify(entry(known, 1, 0), notified(OrderResult.STATUS_WAITING));

            assertFalse(step.changesLedger());
            assertNull(step.publish(), "no PENDING after " + known);
        }
    }

    // ================================================================ timing and invariants

    @Test
    void firstCheckOfAPayCallIsTheResponseTimeoutPlusTheFirstQueryDelay() {
        assertEquals(Duration.ofSeconds(35), machine.firstCheckOfPayCall());
    }

    @Test
    void noQueryAnswerMovesAFinalPaymentBackOrSettlesWithoutAnAnswer() {
        List<ProviderReply> replies = List.of(paid(), waitingForCustomer(), failedStatus(), refunded(), noSuchOrder(),
                inconclusive("timeout"), reply(1, "success", null), reply(99, "busy", null),
                reply(51, "insufficient balance", null), reply(null, null, null));
        List<LedgerEntry> entries = new ArrayList<>();
        for (PaymentState state : UNRESOLVED) {
            for (int attempts = 1; attempts <= 2; attempts++) {
                entries.add(entry(state, attempts, 2));
                entries.add(atDeadline(state, attempts));
            }
        }
        for (LedgerEntry entry : entries) {
            for (ProviderReply reply : replies) {
                Step step = machine.afterQuery(entry, reply, NOW);
                String what = entry + " / " + reply;
                assertTrue(step.changesLedger(), what);
                assertFalse(step.from().contains(PaymentState.FAILED), what);
                assertFalse(step.from().contains(PaymentState.REFUNDED), what);
                if (step.from().contains(PaymentState.SUCCESS)) {
                    assertEquals(PaymentState.REFUNDED, step.to(), what);
                }
                boolean finalAnswer = reply instanceof ProviderReply.Order order && order.body().isSuccess()
                        && order.body().status() != null && order.body().status() >= 1
                        && order.body().status() <= 3;
                assertEquals(finalAnswer, step.to().isFinal(), "settles only on a final order status: " + what);
                if (entry.state() == PaymentState.UNKNOWN) {
                    assertTrue(step.to() == PaymentState.UNKNOWN || step.to().isFinal(), what);
                }
                if (step.resendPay()) {
                    assertTrue(reply instanceof ProviderReply.Order order
                            && Integer.valueOf(OrderResult.CODE_ORDER_NOT_FOUND).equals(order.body().code()), what);
                    assertEquals(1, entry.payAttempts(), what);
                    assertTrue(step.update().countPayAttempt(), what);
                } else {
                    assertFalse(step.update().countPayAttempt(), what);
                }
                if (step.publish() != null) {
                    assertTrue(step.publish().outcome() != Outcome.FAILED || finalAnswer, what);
                }
            }
        }
    }
}
