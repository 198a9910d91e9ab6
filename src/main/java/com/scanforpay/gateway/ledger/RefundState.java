package com.scanforpay.gateway.ledger;

/** Where a refund stands. The provider has no refund query: an inconclusive answer leaves it UNKNOWN. */
public enum RefundState {
    /** The refund call is being made. */
    REFUNDING,
    /** The provider is processing it (refund status 0). */
    PENDING,
    /** No conclusive answer; never sent again (that could refund twice). */
    UNKNOWN,
    SUCCESS,
    FAILED;

    public boolean isFinal() {
        return this == SUCCESS || this == FAILED;
    }
}
