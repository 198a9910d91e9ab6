package com.scanforpay.gateway.publishing;

import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.ResultSource;
import com.scanforpay.gateway.providercall.ProviderReply;

import com.scanforpay.gateway.command.ParsedCommand.Rejected;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.RefundResult;
import java.time.Clock;

/** Maps provider answers and rejections to results, following the outcome table of docs/contract.md §3.2. */
public final class PaymentResults {

    private final Clock clock;

    public PaymentResults(Clock clock) {
        this.clock = clock;
    }

    /** A pay response, a payQuery response or a notify: they share one body shape. */
    public PaymentResult fromOrder(PaymentCommand command, ResultSource source, OrderResult body, String reqMsgId) {
        String partnerOrderNo = command.partnerOrderNo() != null ? command.partnerOrderNo() : body.partnerOrderNo();
        return orderResult(partnerOrderNo, command.type(), source, body, reqMsgId);
    }

    /** A notify callback: always about the payment, whichever command started it. */
    public PaymentResult fromNotify(OrderResult body, String messageId) {
        return orderResult(body.partnerOrderNo(), CommandType.PAY, ResultSource.NOTIFY, body, messageId);
    }

    private PaymentResult orderResult(String partnerOrderNo, CommandType type, ResultSource source, OrderResult body,
            String reqMsgId) {
        return new PaymentResult(partnerOrderNo, type, orderOutcome(type, body), source, body.code(), body.msg(),
                body.status(), body.orderNo(), body.orderAmount(), body.currency(), body.wallet(), body.payTime(),
                body.buyer(), body.buyerId(), null, null, reqMsgId, now());
    }

    public PaymentResult fromRefund(PaymentCommand command, RefundResult body, String reqMsgId) {
        return new PaymentResult(command.partnerOrderNo(), CommandType.REFUND, refundOutcome(body),
                ResultSource.REFUND_RESPONSE, body.code(), body.msg(), body.status(), null, body.orderAmount(),
                body.currency(), null, null, null, null, command.refundNo(), null, reqMsgId, now());
    }

    /** The result of {@code command}'s own provider call: the command's type, the call's source. */
    public PaymentResult of(PaymentCommand command, ProviderReply reply) {
        ResultSource source = switch (command.type()) {
            case PAY -> ResultSource.PAY_RESPONSE;
            case QUERY -> ResultSource.QUERY;
            case REFUND -> ResultSource.REFUND_RESPONSE;
        };
        if (reply instanceof ProviderReply.Order order) {
            return fromOrder(command, source, order.body(), reply.reqMsgId());
        }
        if (reply instanceof ProviderReply.Refund refund) {
            return fromRefund(command, refund.body(), reply.reqMsgId());
        }
        return unknown(command, source, ((ProviderReply.Inconclusive) reply).reason(), reply.reqMsgId());
    }

    /**
     * A valid command the ledger refuses (order number reused, refund not allowed): never sent. It carries the
     * refused command's {@code orderAmount}, so that a consumer can tell it from the order's own payment.
     */
    public PaymentResult rejected(PaymentCommand command, FieldError error) {
        return new PaymentResult(command.partnerOrderNo(), command.type(), Outcome.REJECTED, ResultSource.VALIDATION,
                null, error.message(), null, null, command.orderAmount(), null, null, null, null, null,
                command.refundNo(),
                java.util.List.of(error), null, now());
    }

    /** The provider's answer could not be established: never a failure, the customer may have been charged. */
    public PaymentResult unknown(PaymentCommand command, ResultSource source, String reason, String reqMsgId) {
        return new PaymentResult(command.partnerOrderNo(), command.type(), Outcome.UNKNOWN, source, null, reason,
                null, command.orderNo(), command.orderAmount(), null, null, null, null, null, command.refundNo(), null,
                reqMsgId, now());
    }

    /** The UNKNOWN result of a payment still unresolved at its deadline, for {@code reason}. */
    public PaymentResult unknownAtDeadline(PaymentCommand payment, String reason, String reqMsgId) {
        return unknown(payment, ResultSource.QUERY, "outcome unknown at the deadline: " + reason, reqMsgId);
    }

    public PaymentResult rejected(Rejected rejection) {
        CommandType type = rejection.type() != null ? rejection.type() : CommandType.PAY;
        return new PaymentResult(rejection.partnerOrderNo(), type, Outcome.REJECTED, ResultSource.VALIDATION, null,
                rejection.message(), null, null, null, null, null, null, null, null, rejection.refundNo(),
                rejection.errors(), null, now());
    }

    /**
     * A payment whose refunds reached its paid amount: its settled result ({@code paid}, null if unreadable) now
     * REFUNDED, learnt from the refund call {@code reqMsgId}.
     */
    public PaymentResult refundedInFull(PaymentResult paid, PaymentCommand payment, String reqMsgId) {
        PaymentResult base = paid != null ? paid : unknown(payment, ResultSource.REFUND_RESPONSE, null, null);
        return new PaymentResult(payment.partnerOrderNo(), CommandType.PAY, Outcome.REFUNDED,
                ResultSource.REFUND_RESPONSE, null, "refunded in full by its refunds", OrderResult.STATUS_REFUNDED,
                base.orderNo(), payment.orderAmount(), base.currency(), base.wallet(), base.payTime(), base.buyer(),
                base.buyerId(), null, null, reqMsgId, now());
    }

    static Outcome orderOutcome(CommandType type, OrderResult body) {
        if (!body.isSuccess()) {
            if (type == CommandType.QUERY) {
                return body.code() != null && body.code() == OrderResult.CODE_ORDER_NOT_FOUND ? Outcome.NOT_FOUND
                        : Outcome.UNKNOWN;
            }
            return body.code() == null ? Outcome.UNKNOWN : Outcome.FAILED;
        }
        if (body.status() == null) {
            return Outcome.UNKNOWN;
        }
        return switch (body.status()) {
            case OrderResult.STATUS_WAITING -> Outcome.PENDING;
            case OrderResult.STATUS_PAID -> Outcome.SUCCESS;
            case OrderResult.STATUS_FAILED -> Outcome.FAILED;
            case OrderResult.STATUS_REFUNDED -> Outcome.REFUNDED;
            default -> Outcome.UNKNOWN;
        };
    }

    static Outcome refundOutcome(RefundResult body) {
        if (!body.isSuccess()) {
            return body.code() == null ? Outcome.UNKNOWN : Outcome.FAILED;
        }
        if (body.status() == null) {
            return Outcome.UNKNOWN;
        }
        return switch (body.status()) {
            case RefundResult.STATUS_PROCESSING -> Outcome.PENDING;
            case RefundResult.STATUS_DONE -> Outcome.SUCCESS;
            case RefundResult.STATUS_FAILED -> Outcome.FAILED;
            default -> Outcome.UNKNOWN;
        };
    }

    private String now() {
        return clock.instant().toString();
    }
}
