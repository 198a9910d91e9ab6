package com.scanforpay.gateway.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * A PAY command as the ledger admits it: recorded as PAYING with one attempt, sent through the partner account
 * {@code partnerNo}, first checked after {@code firstCheck}, given up at {@code deadline}, swept until
 * {@code sweep}; {@code payCommand} (the command as received) is kept only until the payment is final or UNKNOWN.
 */
public record NewPayment(String partnerOrderNo, String storeNo, String partnerNo, int orderAmount, String barcode,
        Duration firstCheck, Duration deadline, Duration sweep, String payCommand) {

    public NewPayment {
        Objects.requireNonNull(partnerOrderNo, "partnerOrderNo");
        Objects.requireNonNull(barcode, "barcode");
        Objects.requireNonNull(firstCheck, "firstCheck");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(sweep, "sweep");
    }
}
