package com.scanforpay.gateway.payment;

/** Which path learnt a result. */
public enum ResultSource {
    PAY_RESPONSE,
    QUERY,
    NOTIFY,
    REFUND_RESPONSE,
    VALIDATION
}
