package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.publishing.PaymentResults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.PaymentUpdate;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.RefundResult;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The payment rules (plain Java): what each provider answer does to a ledger entry and what gets published.
 *
 * <pre>
 *            pay answer                                         query answers (resolver)
 *  PAYING ──────────────► SUCCESS | FAILED                  PENDING/CHECKING ──► SUCCESS | FAILED | REFUNDED
 *    │ status 0  ──────► PENDING  (PENDING published)          │ waiting or inconclusive: query again
 *    │ inconclusive ───► CHECKING (nothing published)          │ code 30 while CHECKING/PAYING, 1 attempt:
 *    ▲                                                         │   re-send the pay once ──► PAYING
 *    └─────────────── code 30 (re-send once) ◄─────────────────┘ deadline: UNKNOWN (published), swept slowly
 *  SUCCESS ──► REFUNDED (notify status 3, or refunds reaching the paid amount)
 * </pre>
 *
 * A pay call is never repeated blindly: only the provider saying it has no such order (code 30) allows the one
 * re-send, with the same {@code partnerOrderNo}.
 */
public final class PaymentStateMachine {

    /** States the resolver works on; a final state never goes back to them. */
    public static final Set<PaymentState> UNRESOLVED = EnumSet.of(PaymentState.PAYING, PaymentState.PENDING,
            PaymentState.CHECKING, PaymentState.UNKNOWN);
    static final int MAX_PAY_ATTEMPTS = 2;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final PaymentResults results;
    private final StoredJson stored;
    private final ScanForPayConfig.Pending timing;
    private final Duration callTimeout;
    private final Duration publishGrace;

    /**
     * @param callTimeout  the longest a provider call can take: getting a connection, then the answer
     * @param publishGrace how long after a payment becomes final its result is republished by the resolver
     *                     unless it has been confirmed on Kafka (whoever settled it may have died before publishing)
     */
    public PaymentStateMachine(PaymentResults results, ObjectMapper mapper, ScanForPayConfig.Pending timing,
            Duration callTimeout, Duration publishGrace) {
        this.results = results;
        this.stored = new StoredJson(mapper);
        this.timing = timing;
        this.callTimeout = callTimeout;
        this.publishGrace = publishGrace;
    }

    /**
     * One step: move the entry from one of {@code from} to {@code to} (null: no ledger change), then publish
     * {@code publish} (may be null), and re-send the pay if {@code resendPay}.
     */
    public record Step(Set<PaymentState> from, PaymentState to, PaymentUpdate update, PaymentResult publish,
            boolean resendPay) {

        static Step publishOnly(PaymentResult result) {
            return new Step(Set.of(), null, null, result, false);
        }

        public boolean changesLedger() {
            return to != null;
        }
    }

    /** When a new payment is first checked if its pay call never reports back (the instance crashed). */
    public Duration firstCheckOfPayCall() {
        return callTimeout.plus(timing.firstQueryDelay());
    }

    /**
     * The answer to pay call number {@code attempt} (the payment is PAYING). It applies only while that call is
     * still the latest attempt: a first call answering after the pay was sent again must not settle the payment.
     * On a re-sent pay a refusal is not believed either: the first call may have reached the provider after all
     * (it would refuse the repeated order number), so the order is queried.
     */
    public Step afterPay(PaymentCommand command, ProviderReply reply, int attempt) {
        reply = aboutThisPayment(reply, command.partnerOrderNo(), null, command.orderAmount());
        PaymentResult result = results.of(command, reply);
        boolean believed = attempt == 1 || reply instanceof ProviderReply.Order order && order.body().isSuccess();
        Step step;
        if (reply instanceof ProviderReply.Order order && result.outcome() != Outcome.UNKNOWN && believed) {
            step = result.outcome() == Outcome.PENDING
                    ? new Step(EnumSet.of(PaymentState.PAYING), PaymentState.PENDING, PaymentUpdate.none()
                            .withProviderOrderNo(order.body().orderNo()).checkAgainIn(timing.firstQueryDelay()),
                            result, false)
                    : settle(result, order.body(), false);
        } else {
            // not known whether the customer was charged: ask, never pay again blindly
            step = new Step(EnumSet.of(PaymentState.PAYING), PaymentState.CHECKING,
                    PaymentUpdate.none().withReason(result.msg()).checkAgainIn(timing.firstQueryDelay()), null, false);
        }
        return new Step(step.from(), step.to(), step.update().onlyAtAttempt(attempt), step.publish(), false);
    }

    /** The answer to a payQuery made for {@code entry} by the resolver, at {@code now}. */
    public Step afterQuery(LedgerEntry entry, ProviderReply reply, Instant now) {
        PaymentCommand payment = paymentOf(entry);
        reply = aboutThisPayment(reply, entry.partnerOrderNo(), null, entry.orderAmount());
        if (reply instanceof ProviderReply.Order order) {
            OrderResult body = order.body();
            if (body.isSuccess() && body.status() != null) {
                PaymentResult result = results.fromOrder(payment, ResultSource.QUERY, body, reply.reqMsgId());
                if (result.outcome() == Outcome.PENDING) {
                    return waiting(entry, result, now);
                }
                if (result.outcome() != Outcome.UNKNOWN) {
                    return settle(result, body, true);
                }
            }
            if (Integer.valueOf(OrderResult.CODE_ORDER_NOT_FOUND).equals(body.code())) {
                if ((entry.state() == PaymentState.CHECKING || entry.state() == PaymentState.PAYING)
                        && entry.payAttempts() < MAX_PAY_ATTEMPTS && now.isBefore(entry.deadlineAt())) {
                    // the provider never got the pay call: send it once more, same partnerOrderNo (never after
                    // the deadline: the customer has left, and UNKNOWN may be published any moment)
                    return new Step(EnumSet.of(entry.state()), PaymentState.PAYING, PaymentUpdate.none()
                            .withReason("provider has no such order: pay sent again").countingQuery()
                            .countingPayAttempt().checkAgainIn(firstCheckOfPayCall())
                            .onlyAtAttempt(entry.payAttempts()), null, true);
                }
                return unsettled(entry, payment, "provider has no such order after " + entry.payAttempts()
                        + " pay attempts", reply.reqMsgId(), now);
            }
            return unsettled(entry, payment, "query answered code " + body.code() + ": " + body.msg(),
                    reply.reqMsgId(), now);
        }
        String reason = reply instanceof ProviderReply.Inconclusive inconclusive ? inconclusive.reason()
                : "unexpected answer to a query";
        return unsettled(entry, payment, reason, reply.reqMsgId(), now);
    }

    /** A verified notify about an order the ledger knows, with the ledger's amount. */
    public Step afterNotify(LedgerEntry entry, PaymentResult notified) {
        if (notified.outcome() == Outcome.PENDING || notified.outcome() == Outcome.UNKNOWN) {
            // a late "waiting" must not appear after the outcome is known
            boolean stillOpen = !entry.state().isFinal() && entry.state() != PaymentState.UNKNOWN;
            return Step.publishOnly(stillOpen ? notified : null);
        }
        Set<PaymentState> from = EnumSet.copyOf(UNRESOLVED);
        if (notified.outcome() == Outcome.REFUNDED) {
            from.add(PaymentState.SUCCESS);
        }
        return new Step(from, stateOf(notified.outcome()), PaymentUpdate.none()
                .withProviderOrderNo(notified.orderNo()).withFinalResult(json(notified)).checkAgainIn(publishGrace),
                notified, false);
    }

    /** The payment's REFUNDED result once its refunds reach the paid amount (refund call {@code reqMsgId}). */
    public PaymentResult refundedInFull(LedgerEntry payment, String reqMsgId) {
        PaymentResult paid;
        try {
            paid = payment.finalResult() == null ? null : stored.result(payment.finalResult());
        } catch (IllegalStateException e) {
            paid = null; // the ledger's own fields say enough
        }
        return results.refundedInFull(paid, paymentOf(payment), reqMsgId);
    }

    /** How long a final payment stays due for republishing, unless its result is confirmed on Kafka first. */
    public Duration publishGrace() {
        return publishGrace;
    }

    /** The published form of a final result, kept in the ledger to answer a repeated command. */
    public PaymentResult storedResult(LedgerEntry entry) {
        return stored.result(entry.finalResult());
    }

    private Step settle(PaymentResult result, OrderResult body, boolean byQuery) {
        Set<PaymentState> from = EnumSet.copyOf(UNRESOLVED);
        if (result.outcome() == Outcome.REFUNDED) {
            from.add(PaymentState.SUCCESS);
        }
        PaymentUpdate update = PaymentUpdate.none().withProviderOrderNo(body.orderNo()).withFinalResult(json(result))
                .checkAgainIn(publishGrace);
        return new Step(from, stateOf(result.outcome()), byQuery ? update.countingQuery() : update, result, false);
    }

    private Step waiting(LedgerEntry entry, PaymentResult pending, Instant now) {
        if (entry.state() == PaymentState.UNKNOWN) {
            return stillUnknown(entry, PaymentUpdate.none(), pending.reqMsgId(), now);
        }
        if (!now.isBefore(entry.deadlineAt())) {
            return unknown(entry, paymentOf(entry), "the customer had not confirmed the payment by the deadline",
                    pending.reqMsgId(), now);
        }
        return new Step(EnumSet.of(entry.state()), PaymentState.PENDING, PaymentUpdate.none()
                .withProviderOrderNo(pending.orderNo()).countingQuery().checkAgainIn(timing.queryInterval()),
                pending, false);
    }

    /** Nothing learnt: ask again later (backing off), or give up to UNKNOWN at the deadline. */
    private Step unsettled(LedgerEntry entry, PaymentCommand payment, String reason, String reqMsgId, Instant now) {
        if (entry.state() == PaymentState.UNKNOWN) {
            return stillUnknown(entry, PaymentUpdate.none().withReason(reason), reqMsgId, now);
        }
        if (!now.isBefore(entry.deadlineAt())) {
            return unknown(entry, payment, reason, reqMsgId, now);
        }
        PaymentState next = entry.state() == PaymentState.PENDING ? PaymentState.PENDING : PaymentState.CHECKING;
        // the last query falls on the deadline, so UNKNOWN is published on time, not up to a back-off later
        Duration untilDeadline = Duration.between(now, entry.deadlineAt());
        Duration wait = backoff(entry).compareTo(untilDeadline) > 0 ? untilDeadline : backoff(entry);
        return new Step(EnumSet.of(entry.state()), next,
                PaymentUpdate.none().withReason(reason).countingQuery().checkAgainIn(wait), null, false);
    }

    /**
     * Swept and still not known. The UNKNOWN result is offered again: the publishing step drops it as a repeat, and
     * publishes it if the first one was lost in a crash.
     */
    private Step stillUnknown(LedgerEntry entry, PaymentUpdate update, String reqMsgId, Instant now) {
        PaymentResult unknown = results.unknownAtDeadline(paymentOf(entry), entry.lastReason(), reqMsgId);
        return new Step(EnumSet.of(PaymentState.UNKNOWN), PaymentState.UNKNOWN,
                update.countingQuery().checkAgainIn(sweep(entry, now)), unknown, false);
    }

    private Step unknown(LedgerEntry entry, PaymentCommand payment, String reason, String reqMsgId, Instant now) {
        PaymentResult unknown = results.unknownAtDeadline(payment, reason, reqMsgId);
        return new Step(EnumSet.of(entry.state()), PaymentState.UNKNOWN,
                PaymentUpdate.none().withReason(reason).countingQuery().checkAgainIn(sweep(entry, now)), unknown,
                false);
    }

    /**
     * An answer naming another order (or, when it reports success, no order at all), or another amount, proves
     * nothing about the payment asked for: it is treated as no answer (and the provider is asked again), never
     * applied. Each of {@code partnerOrderNo}, {@code orderNo} (ScanForPay's number) and {@code amount} is checked
     * when the request named it (not null).
     */
    static ProviderReply aboutThisPayment(ProviderReply reply, String partnerOrderNo, String orderNo, Integer amount) {
        if (reply instanceof ProviderReply.Order order) {
            OrderResult body = order.body();
            // every success answer names its order (required on success by the protocol)
            boolean namesOther = partnerOrderNo != null && (body.partnerOrderNo() != null
                    ? !body.partnerOrderNo().equals(partnerOrderNo) : body.isSuccess());
            if (namesOther || orderNo != null && body.orderNo() != null && !body.orderNo().equals(orderNo)) {
                return mismatch("answer names another order", reply);
            }
            if (body.isSuccess() && body.orderAmount() != null && amount != null && !body.orderAmount().equals(amount)) {
                return mismatch("answer has amount " + body.orderAmount() + ", not " + amount, reply);
            }
        }
        if (reply instanceof ProviderReply.Refund refund) {
            // a refund answer names no order: the refunded amount of a refund "done" is all that ties it to the
            // refund asked for (a processing or failed refund's amount is not relied on)
            RefundResult body = refund.body();
            if (body.isSuccess() && Integer.valueOf(RefundResult.STATUS_DONE).equals(body.status())
                    && body.orderAmount() != null && amount != null && !body.orderAmount().equals(amount)) {
                return mismatch("refund answer has amount " + body.orderAmount() + ", not " + amount, reply);
            }
        }
        return reply;
    }

    private static ProviderReply mismatch(String reason, ProviderReply reply) {
        return new ProviderReply.Inconclusive(ProviderReply.Inconclusive.Kind.MISMATCH, reason, reply.reqMsgId());
    }

    /** Waiting payments are asked every interval; unanswered queries back off from it, up to 30 s. */
    private Duration backoff(LedgerEntry entry) {
        if (entry.state() == PaymentState.PENDING) {
            return timing.queryInterval();
        }
        Duration next = timing.queryInterval().multipliedBy(1L << Math.min(entry.queries(), 4));
        Duration cap = MAX_BACKOFF.compareTo(timing.queryInterval()) > 0 ? MAX_BACKOFF : timing.queryInterval();
        return next.compareTo(cap) > 0 ? cap : next;
    }

    /** The sweep's next query, or none once the sweep is over (the payment then waits for an operator). */
    private Duration sweep(LedgerEntry entry, Instant now) {
        return now.plus(timing.sweepInterval()).isAfter(entry.sweepUntil()) ? null : timing.sweepInterval();
    }

    private static PaymentState stateOf(Outcome outcome) {
        return switch (outcome) {
            case SUCCESS -> PaymentState.SUCCESS;
            case FAILED -> PaymentState.FAILED;
            case REFUNDED -> PaymentState.REFUNDED;
            default -> throw new IllegalArgumentException("not a final payment outcome: " + outcome);
        };
    }

    /** The payment as a command, to map query answers to PAY results. */
    static PaymentCommand paymentOf(LedgerEntry entry) {
        return new PaymentCommand(CommandType.PAY, entry.storeNo(), entry.partnerOrderNo(), entry.providerOrderNo(),
                null, entry.orderAmount(), null, null, null, null);
    }

    private String json(PaymentResult result) {
        return stored.write(result);
    }
}
