package com.scanforpay.gateway.notify;

/** What became of one notify callback. */
public enum NotifyVerdict {
    /** Published, or recognised as a repeat of a published result: answered {@code success}. */
    ACCEPTED,
    /** The signature does not match the raw {@code response} text: 400. */
    BAD_SIGNATURE,
    /** The header names no partnerNo, or one the gateway holds no key for: 400, checked against no key. */
    UNKNOWN_PARTNER,
    /** Not the documented envelope, or a body field missing or invalid: 400. */
    MALFORMED,
    /**
     * Correctly signed, but its amount differs from the ledger's for that order: an alert, answered
     * {@code success} (a repeat would say the same) and not published; the order is not marked paid.
     */
    AMOUNT_MISMATCH,
    /**
     * Correctly signed by one partner about an order the ledger has at a store of another partner: an alert,
     * answered {@code success} and not published; the order is not moved (one partner's key cannot settle another
     * partner's payments).
     */
    PARTNER_MISMATCH,
    /** Over the size limit: 413. */
    TOO_LARGE,
    /** Could not be stored or published now (or is being published by another request): 503, ScanForPay retries. */
    RETRY_LATER
}
