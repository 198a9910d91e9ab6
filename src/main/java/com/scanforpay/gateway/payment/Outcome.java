package com.scanforpay.gateway.payment;

/** A result's outcome (docs/contract.md §3.2). */
public enum Outcome {
    SUCCESS,
    /** Not final: the customer is still confirming, or a refund is processing; a final result follows. */
    PENDING,
    FAILED,
    REFUNDED,
    NOT_FOUND,
    REJECTED,
    /** Nobody knows whether the customer was charged: never to be read as a failure. */
    UNKNOWN;

    /** The final states of a payment in the ledger, by name. */
    public boolean isPaymentFinal() {
        return this == SUCCESS || this == FAILED || this == REFUNDED;
    }
}
