package com.scanforpay.gateway.ledger;

/**
 * Where a payment stands in the ledger. Non-final states are resolved by querying the provider; final states
 * never change, except SUCCESS → REFUNDED.
 */
public enum PaymentState {
    /** The pay call is being made (or the instance making it crashed: resolved by a query once due). */
    PAYING,
    /** The provider said "waiting for the customer" (status 0): queried on a schedule. */
    PENDING,
    /** The pay call's outcome is not known (timeout, HTTP error, bad answer): queried with back-off. */
    CHECKING,
    /** Unresolved at the deadline, published as UNKNOWN: a slower sweep keeps querying. */
    UNKNOWN,
    SUCCESS,
    FAILED,
    REFUNDED;

    public boolean isFinal() {
        return this == SUCCESS || this == FAILED || this == REFUNDED;
    }
}
