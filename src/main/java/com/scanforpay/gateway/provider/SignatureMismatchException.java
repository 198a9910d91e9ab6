package com.scanforpay.gateway.provider;

/** A message's signature is missing, malformed or does not match its content and the sign key. */
public class SignatureMismatchException extends ScanForPayException {

    public SignatureMismatchException(String message) {
        super(message);
    }
}
