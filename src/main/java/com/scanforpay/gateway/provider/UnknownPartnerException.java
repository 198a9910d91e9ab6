package com.scanforpay.gateway.provider;

/**
 * A received message names no {@code partnerNo}, or one whose sign key the gateway does not hold: its signature
 * cannot be checked, so it is never taken (and never checked with another partner's key). A kind of signature
 * failure, so that code treating {@link SignatureMismatchException} as "not authentic" stays safe.
 */
public final class UnknownPartnerException extends SignatureMismatchException {

    public UnknownPartnerException(String message) {
        super(message);
    }
}
