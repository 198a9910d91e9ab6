package com.scanforpay.gateway.ledger;

import java.time.Duration;

/**
 * The fields a state change sets besides the state; null leaves a field as it is. {@code nextCheckIn} null clears
 * the schedule (nothing more to ask the provider).
 */
public record PaymentUpdate(String providerOrderNo, String reason, String finalResult, Duration nextCheckIn,
        boolean countQuery, boolean countPayAttempt) {

    public static PaymentUpdate none() {
        return new PaymentUpdate(null, null, null, null, false, false);
    }

    public PaymentUpdate withProviderOrderNo(String value) {
        return new PaymentUpdate(value, reason, finalResult, nextCheckIn, countQuery, countPayAttempt);
    }

    public PaymentUpdate withReason(String value) {
        return new PaymentUpdate(providerOrderNo, value, finalResult, nextCheckIn, countQuery, countPayAttempt);
    }

    public PaymentUpdate withFinalResult(String value) {
        return new PaymentUpdate(providerOrderNo, reason, value, nextCheckIn, countQuery, countPayAttempt);
    }

    public PaymentUpdate checkAgainIn(Duration value) {
        return new PaymentUpdate(providerOrderNo, reason, finalResult, value, countQuery, countPayAttempt);
    }

    public PaymentUpdate countingQuery() {
        return new PaymentUpdate(providerOrderNo, reason, finalResult, nextCheckIn, true, countPayAttempt);
    }

    public PaymentUpdate countingPayAttempt() {
        return new PaymentUpdate(providerOrderNo, reason, finalResult, nextCheckIn, countQuery, true);
    }
}
