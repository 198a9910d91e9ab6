package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.payment.PaymentStateMachine.Step;
import java.util.List;

/**
 * What a flow does next, decided in plain Java ({@link PaymentDecisions}, {@link RefundDecisions}, the resolver's
 * query answers): the routes only route on it, so each reads as its steps.
 */
public sealed interface Decision {

    /** Nothing to send or publish (a repeat already taken care of, or a move another path made first). */
    Decision NOTHING = new Nothing();

    /** Send {@code command} to ScanForPay through {@code partner}'s account; the route signs it first. */
    record Call(PaymentCommand command, Partner partner) implements Decision {
    }

    /**
     * The provider has no such order: send the pay once more, through {@code partner}, but only if the ledger
     * moves the payment back to PAYING ({@code step}) for this path. Signed before that move, so that nothing can
     * fail between the move and the call.
     */
    record CallAgain(PaymentCommand pay, Partner partner, Step step) implements Decision {
    }

    /** Publish {@code results}, in this order; nothing is sent. */
    record Publish(List<PaymentResult> results) implements Decision {
    }

    /** See {@link #NOTHING}. */
    record Nothing() implements Decision {
    }

    /** Publishes {@code result}, or nothing when it is null (nothing may be published). */
    static Decision publish(PaymentResult result) {
        return result == null ? NOTHING : new Publish(List.of(result));
    }
}
