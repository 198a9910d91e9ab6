package com.scanforpay.gateway.payment;

/** Why a command can never succeed as sent; the {@code scanforpay-error-code} header of a dead letter. */
public enum RejectionCode {
    /** Not JSON, not UTF-8, empty, or not a JSON object. */
    INVALID_JSON,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field is present but of the wrong type, length or format. */
    INVALID_FIELD,
    /** {@code type} is not one of PAY, QUERY, REFUND. */
    UNSUPPORTED_TYPE,
    /** {@code storeNo} is served by no configured partner account ({@code scanforpay.stores}). */
    UNKNOWN_STORE
}
