package com.scanforpay.gateway.idempotency;

/**
 * The durable idempotent store could not be read or written (database unreachable, timeout, ...). Callers must
 * treat the key's state as unknown: neither "new" nor "already done".
 */
public class IdempotentStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IdempotentStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
