package com.scanforpay.gateway.command;

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
    UNKNOWN_STORE,
    /** The record is larger than {@code scanforpay.consumer.max-command-size}: not even parsed. */
    TOO_LARGE,
    /**
     * A valid command whose processing failed for a reason of its own (a bug, an answer that cannot be mapped, a
     * constraint on its row), not an outage: dead-lettered so that the commands after it go on.
     */
    PROCESSING_FAILED
}
