package com.scanforpay.gateway.ledger;

import java.time.Duration;

/**
 * The fields a state change sets besides the state; null leaves a field as it is. {@code nextCheckIn} null clears
 * the schedule (nothing more to ask the provider). {@code onlyAtAttempt}, when set, is one more condition: the
 * answer to a pay call applies only while that call is still the payment's latest attempt.
 */
public record PaymentUpdate(String providerOrderNo, String reason, String finalResult, Duration nextCheckIn,
        boolean countQuery, boolean countPayAttempt, Integer onlyAtAttempt) {

    public static PaymentUpdate none() {
        return new PaymentUpdate(null, null, null, null, false, false, null);
    }

    public PaymentUpdate onlyAtAttempt(int attempt) {
        return new PaymentUpdate(providerOrderNo, reason, finalResult, nextCheckIn, countQuery, countPayAttempt,
                attempt);
    }

    public PaymentUpdate withProviderOrderNo(String value) {
        return new PaymentUpdate(value, reason, finalResult, nextCheckIn, countQuery, countPayAttempt, onlyAtAttempt);
    }

    public PaymentUpdate withReason(String value) {
        return new PaymentUpdate(providerOrderNo, value, finalResult, nextCheckIn, countQuery, countPayAttempt, onlyAtAttempt);
    }

    public PaymentUpdate withFinalResult(String value) {
        return new PaymentUpdate(providerOrderNo, reason, value, nextCheckIn, countQuery, countPayAttempt, onlyAtAttempt);
    }

    public PaymentUpdate checkAgainIn(Duration value) {
        return new PaymentUpdate(providerOrderNo, reason, finalResult, value, countQuery, countPayAttempt, onlyAtAttempt);
    }

    public PaymentUpdate countingQuery() {
        return new PaymentUpdate(providerOrderNo, reason, finalResult, nextCheckIn, true, countPayAttempt, onlyAtAttempt);
    }

    public PaymentUpdate countingPayAttempt() {
        return new PaymentUpdate(providerOrderNo, reason, finalResult, nextCheckIn, countQuery, true, onlyAtAttempt);
    }
}
