package com.scanforpay.gateway.provider;

/**
 * Root of the provider integration's exceptions. Messages never contain keys, signatures,
 * barcodes or buyer data: they say what failed, not what was sent.
 */
public class ScanForPayException extends RuntimeException {

    public ScanForPayException(String message) {
        super(message);
    }

    public ScanForPayException(String message, Throwable cause) {
        super(message, cause);
    }
}
