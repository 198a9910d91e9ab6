package com.scanforpay.gateway.ledger;

/**
 * What a refund's move did: whether it moved, and, when its success made the refunds reach the paid amount, the
 * payment's REFUNDED result (JSON) to publish.
 */
public record RefundMove(boolean moved, String paymentRefunded) {

    static final RefundMove NOT_MOVED = new RefundMove(false, null);
    static final RefundMove MOVED = new RefundMove(true, null);
}
