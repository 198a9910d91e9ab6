package com.scanforpay.gateway.ledger;

import java.util.Objects;

/** A payment's final result, acknowledged by Kafka: the payment in {@code state} needs nothing more. */
public record PublishedResult(String partnerOrderNo, PaymentState state) {

    public PublishedResult {
        Objects.requireNonNull(partnerOrderNo, "partnerOrderNo");
        Objects.requireNonNull(state, "state");
    }
}
