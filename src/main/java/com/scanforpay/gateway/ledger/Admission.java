package com.scanforpay.gateway.ledger;

/** What the ledger says about a PAY command. */
public sealed interface Admission {

    /** A new payment: recorded as PAYING with one attempt; the caller makes the pay call. */
    record Admitted(LedgerEntry entry) implements Admission {
    }

    /** The order is already known with the same amount and barcode: never pay again, resolve or republish. */
    record Existing(LedgerEntry entry) implements Admission {
    }

    /** The order number is taken by a different payment (amount or barcode differ): reject, never pay. */
    record Conflict(String field, String message) implements Admission {
    }
}
