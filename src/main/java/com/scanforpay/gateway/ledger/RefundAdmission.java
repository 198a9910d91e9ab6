package com.scanforpay.gateway.ledger;

/** What the ledger says about a REFUND command. */
public sealed interface RefundAdmission {

    /** Recorded as REFUNDING; the caller makes the refund call. */
    record Admitted(RefundEntry entry) implements RefundAdmission {
    }

    /** This refundNo was seen before for the same order and amount: never refund again, republish its state. */
    record Existing(RefundEntry entry) implements RefundAdmission {
    }

    /** Refused before any provider call (order not paid, amount exceeds what is left, refundNo reused). */
    record Refused(String field, String message) implements RefundAdmission {
    }
}
