package com.scanforpay.gateway.ledger;

/**
 * The ledger could not be read or written (database unreachable, timeout, ...). The payment's or refund's state is
 * then unknown to the caller: neither "new" nor "already known". The message names the order or refund number
 * only, never a barcode.
 */
public class LedgerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }

    public LedgerException(String message) {
        super(message);
    }
}
