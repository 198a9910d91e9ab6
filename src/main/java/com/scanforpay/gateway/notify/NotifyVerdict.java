package com.scanforpay.gateway.notify;

/** What became of one notify callback. */
public enum NotifyVerdict {
    /** Published, or recognised as a repeat of a published result: answered {@code success}. */
    ACCEPTED,
    /** The signature does not match the raw {@code response} text: 400. */
    BAD_SIGNATURE,
    /** Not the documented envelope, or a body field missing or invalid: 400. */
    MALFORMED,
    /**
     * Correctly signed, but its amount differs from the ledger's for that order: an alert, answered
     * {@code success} (a repeat would say the same) and not published; the order is not marked paid.
     */
    AMOUNT_MISMATCH,
    /** Over the size limit: 413. */
    TOO_LARGE,
    /** Could not be stored or published now (or is being published by another request): 503, ScanForPay retries. */
    RETRY_LATER
}
