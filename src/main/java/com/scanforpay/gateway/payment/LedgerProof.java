package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.publishing.PaymentResults;

import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.RefundEntry;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.ledger.RefundState;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What the ledger can prove about a command whose processing was cut off (plain Java): by a failure of its own, or
 * by a crash before its result was published. Never a guess: a pay or refund call is made only after its row is
 * written, so no row proves that nothing was sent; a row still unresolved is left to the resolver's schedule.
 */
public final class LedgerProof {

    private static final Logger LOG = Logger.getLogger(LedgerProof.class);

    private final PaymentLedger ledger;
    private final RefundLedger refunds;
    private final PaymentResults results;
    private final StoredJson stored;

    public LedgerProof(PaymentLedger ledger, RefundLedger refunds, PaymentResults results, StoredJson stored) {
        this.ledger = ledger;
        this.refunds = refunds;
        this.results = results;
        this.stored = stored;
    }

    /**
     * The result to publish for {@code command}, whose processing failed for {@code reason}: its final result if
     * the ledger has one, a REJECTED result if nothing was sent, else nothing (an unresolved payment is queried by
     * the resolver and a processing refund is resolved by its deadline).
     */
    public Optional<PaymentResult> afterFailure(PaymentCommand command, String reason) {
        return switch (command.type()) {
            case PAY -> afterFailedPay(command, reason);
            case REFUND -> afterFailedRefund(command, reason);
            case QUERY -> Optional.empty(); // changes nothing; the ERP may ask again
        };
    }

    /**
     * A refund whose call was cut off (a crash, or a failure after the call was sent): there is no refund query,
     * and sending it again could refund twice, so it is UNKNOWN now and never sent again.
     */
    public PaymentResult refundCutOff(PaymentCommand refund) {
        PaymentResult unknown = results.unknown(refund, ResultSource.REFUND_RESPONSE,
                "refund outcome unknown: its call was interrupted or is still in flight; check with ScanForPay", null);
        refunds.moveRefund(refund.refundNo(), EnumSet.of(RefundState.REFUNDING), RefundState.UNKNOWN,
                stored.write(unknown));
        return unknown;
    }

    private Optional<PaymentResult> afterFailedPay(PaymentCommand pay, String reason) {
        Optional<LedgerEntry> entry = ledger.find(pay.partnerOrderNo());
        if (entry.isEmpty()) {
            return Optional.of(notSent(pay, reason + "; nothing was sent to ScanForPay"));
        }
        Optional<Admission.Conflict> conflict = PaymentLedger.conflict(entry.get(), pay.orderAmount(), pay.barcode());
        if (conflict.isPresent()) {
            return Optional.of(results.rejected(pay, new FieldError(conflict.get().field(), conflict.get().message())));
        }
        return entry.get().state().isFinal() ? readable(entry.get().finalResult(), pay) : Optional.empty();
    }

    private Optional<PaymentResult> afterFailedRefund(PaymentCommand refund, String reason) {
        Optional<RefundEntry> entry = refunds.findRefund(refund.refundNo());
        if (entry.isEmpty()) {
            return Optional.of(notSent(refund, reason + "; nothing was refunded"));
        }
        RefundEntry known = entry.get();
        if (!known.partnerOrderNo().equals(refund.partnerOrderNo())
                || !Objects.equals(known.amount(), refund.orderAmount())) {
            return Optional.empty(); // another refund's number: that refund has its own result
        }
        if (known.state() == RefundState.REFUNDING) {
            return Optional.of(refundCutOff(refund));
        }
        return readable(known.finalResult(), refund);
    }

    private PaymentResult notSent(PaymentCommand command, String reason) {
        return results.rejected(command, new FieldError("$", reason));
    }

    /** A stored result, unless it cannot be read (then nothing is published: a guess would be worse). */
    private Optional<PaymentResult> readable(String json, PaymentCommand command) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(stored.result(json));
        } catch (IllegalStateException e) {
            LOG.errorf("%s %s: its stored result cannot be read (%s); nothing published, check the ledger",
                    command.type(), command.partnerOrderNo(), e.getMessage());
            return Optional.empty();
        }
    }
}
