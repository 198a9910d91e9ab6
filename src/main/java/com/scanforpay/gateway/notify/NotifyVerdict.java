package com.scanforpay.gateway.notify;

/** What became of one notify callback. */
public enum NotifyVerdict {
    /** Published, or recognised as a repeat of a published result: answered {@code success}. */
    ACCEPTED,
    /** The signature does not match the raw {@code response} text: 400. */
    BAD_SIGNATURE,
    /** Not the documented envelope, or a body field missing or invalid: 400. */
    MALFORMED,
    /** Over the size limit: 413. */
    TOO_LARGE,
    /** Could not be stored or published now (or is being published by another request): 503, ScanForPay retries. */
    RETRY_LATER
}
