package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.payment.PaymentStateMachine.Step;
import org.jboss.logging.Logger;

/** Records a {@link Step} in the ledger and says what, if anything, may be published. */
public final class PaymentProgress {

    private static final Logger LOG = Logger.getLogger(PaymentProgress.class);

    private final PaymentLedger ledger;

    public PaymentProgress(PaymentLedger ledger) {
        this.ledger = ledger;
    }

    /** The result to publish after {@code step}, or null when the ledger has already moved elsewhere. */
    public PaymentResult apply(String partnerOrderNo, Step step) {
        if (!step.changesLedger() || ledger.move(partnerOrderNo, step.from(), step.to(), step.update())) {
            return step.publish();
        }
        // Another path got there first. If it reached the same state, publishing again is harmless (repeats of a
        // published outcome are dropped); if not, this answer is stale and must not move the order backwards.
        boolean same = ledger.find(partnerOrderNo).map(entry -> entry.state() == step.to()).orElse(false);
        if (!same) {
            LOG.infof("Payment %s has moved on; not applying %s", partnerOrderNo, step.to());
        }
        return same ? step.publish() : null;
    }
}
