package com.scanforpay.gateway.payment;

/** What a command asks of the provider. */
public enum CommandType {
    PAY,
    QUERY,
    REFUND
}
