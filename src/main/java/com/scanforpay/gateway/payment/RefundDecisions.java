package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.ledger.RefundAdmission;
import com.scanforpay.gateway.ledger.RefundMove;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.publishing.PaymentResults;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The decisions of a REFUND command (plain Java): whether it is sent (the ledger admits each refund number once,
 * and never beyond the paid amount), and what its answer records and publishes. ScanForPay has no refund query, so
 * a refund is never sent twice: a repeat gets the stored result, or UNKNOWN when its call was cut off.
 */
public final class RefundDecisions {

    private static final Logger LOG = Logger.getLogger(RefundDecisions.class);

    private final PaymentLedger ledger;
    private final RefundLedger refunds;
    private final PaymentStateMachine machine;
    private final PaymentResults results;
    private final ProviderCalls providerCalls;
    private final StoredJson stored;
    private final LedgerProof proof;
    private final MeterRegistry meters;
    private final boolean refundUnknownOrders;

    public RefundDecisions(PaymentLedger ledger, RefundLedger refunds, PaymentStateMachine machine, PaymentResults results,
            ProviderCalls providerCalls, StoredJson stored, LedgerProof proof, MeterRegistry meters,
            boolean refundUnknownOrders) {
        this.ledger = ledger;
        this.refunds = refunds;
        this.machine = machine;
        this.results = results;
        this.providerCalls = providerCalls;
        this.stored = stored;
        this.proof = proof;
        this.meters = meters;
        this.refundUnknownOrders = refundUnknownOrders;
    }

    /**
     * Call the provider for an admitted refund, through the partner the order was paid through (the default
     * partner for an order the ledger does not know, when such refunds are allowed); otherwise publish why not,
     * or what a repeat of it has.
     */
    public Decision admitRefund(PaymentCommand refund) {
        Optional<LedgerEntry> payment = ledger.find(refund.partnerOrderNo());
        if (payment.isEmpty() && !refundUnknownOrders) {
            return refused(refund, "partnerOrderNo", "order " + refund.partnerOrderNo() + " is not in the ledger: "
                    + "the gateway refunds only payments it made (SCANFORPAY_REFUND_UNKNOWN_ORDERS=true allows others)");
        }
        Optional<Partner> partner = payment.isPresent() ? providerCalls.partnerOf(payment.get())
                : providerCalls.partnerFor(null);
        if (partner.isEmpty()) {
            // checked before the refund is recorded: nothing to undo
            return refused(refund, "partnerOrderNo", "the order cannot be refunded through the partner it was paid "
                    + "through: " + ProviderCalls.noPartner(payment.get()));
        }
        RefundAdmission admission = refunds.admitRefund(refund.refundNo(), refund.partnerOrderNo(),
                refund.orderAmount());
        if (admission instanceof RefundAdmission.Admitted) {
            return new Decision.Call(refund, partner.get());
        }
        if (admission instanceof RefundAdmission.Refused refused) {
            return refused(refund, refused.field(), refused.message());
        }
        var entry = ((RefundAdmission.Existing) admission).entry();
        LOG.infof("REFUND %s is already %s: not refunded again", refund.refundNo(), entry.state());
        // Without a result, its call was cut off by a crash (this repeat is Kafka's redelivery), or is still in
        // flight elsewhere: UNKNOWN now, so the command never ends without a result; a call still in flight
        // publishes its answer after it.
        return Decision.publish(entry.finalResult() != null ? stored.result(entry.finalResult())
                : proof.refundCutOff(refund));
    }

    /**
     * Records the provider's answer to a refund and publishes it; when the refunds now reach the paid amount, the
     * payment's own REFUNDED result follows, once.
     */
    public Decision recordRefund(PaymentCommand refund, ProviderReply reply) {
        PaymentResult result = results.of(refund, PaymentStateMachine.aboutThisPayment(reply, null, null,
                refund.orderAmount()));
        RefundState state = switch (result.outcome()) {
            case SUCCESS -> RefundState.SUCCESS;
            case FAILED -> RefundState.FAILED;
            case PENDING -> RefundState.PENDING;
            default -> RefundState.UNKNOWN;
        };
        // from UNKNOWN too: a repeat may have given the call up for lost while it was only slow
        RefundMove move = refunds.moveRefund(refund.refundNo(), EnumSet.of(RefundState.REFUNDING, RefundState.UNKNOWN),
                state, stored.write(result), payment -> stored.write(machine.refundedInFull(payment, result.reqMsgId())),
                machine.publishGrace());
        if (!move.moved()) {
            LOG.warnf("REFUND %s had already moved on; its answer %s is published as received", refund.refundNo(),
                    result.outcome());
        } else if (state == RefundState.UNKNOWN) {
            // no refund query exists: only an operator can find out whether the money went back
            meters.counter("scanforpay.refunds.unknown").increment();
            LOG.errorf("ALERT: refund %s of order %s (%s) got no conclusive answer from ScanForPay (%s); check it with "
                    + "ScanForPay", refund.refundNo(), refund.partnerOrderNo(), refund.orderAmount(), result.msg());
        }
        return new Decision.Publish(move.paymentRefunded() == null ? List.of(result)
                : List.of(result, stored.result(move.paymentRefunded())));
    }

    private Decision refused(PaymentCommand refund, String field, String reason) {
        LOG.warnf("REFUND %s of %s refused: %s", refund.refundNo(), refund.partnerOrderNo(), reason);
        return Decision.publish(results.rejected(refund, new FieldError(field, reason)));
    }
}
