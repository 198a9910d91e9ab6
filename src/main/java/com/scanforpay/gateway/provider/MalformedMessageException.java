package com.scanforpay.gateway.provider;

/** A provider message is not the documented envelope: not JSON, or a required member is missing. */
public final class MalformedMessageException extends ScanForPayException {

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
