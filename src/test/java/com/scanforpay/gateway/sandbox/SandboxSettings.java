package com.scanforpay.gateway.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ScanForPaySandbox} behaves.
 *
 * @param port                  port to bind on 127.0.0.1; {@code 0} picks a free port
 * @param partnerNo             the only {@code partnerNo} the sandbox accepts (and puts in its response headers)
 * @param signKey               the partner's sign key: requests are verified, responses and notifications signed with it
 * @param latency               delay of every other answer
 * @param slowLatency           delay of the answer to a {@link SandboxBarcodes#SLOW} payment, and to a query of a
 *                              {@link SandboxBarcodes#WAITING_SLOW_QUERIES} one
 * @param waitingResolvesAfter  how long a waiting payment (status 0) stays waiting before it is paid or failed
 * @param notifyRepeats         how many times each notification is delivered (answered {@code success}); {@code 0} = none
 * @param notifyRetryInterval   pause between two notify attempts (and between two repeats)
 * @param notifyMaxAttempts     attempts per delivery before the sandbox gives up
 * @param currency              currency of every order
 */
public record SandboxSettings(int port, String partnerNo, String signKey, Duration latency, Duration slowLatency,
        Duration waitingResolvesAfter, int notifyRepeats, Duration notifyRetryInterval, int notifyMaxAttempts,
        String currency) {

    public SandboxSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        Objects.requireNonNull(partnerNo, "partnerNo");
        Objects.requireNonNull(signKey, "signKey");
        if (signKey.isEmpty()) {
            throw new IllegalArgumentException("signKey must not be empty");
        }
        requireNotNegative(latency, "latency");
        requireNotNegative(slowLatency, "slowLatency");
        requireNotNegative(waitingResolvesAfter, "waitingResolvesAfter");
        requireNotNegative(notifyRetryInterval, "notifyRetryInterval");
        if (notifyRepeats < 0) {
            throw new IllegalArgumentException("notifyRepeats must not be negative");
        }
        if (notifyMaxAttempts < 1) {
            throw new IllegalArgumentException("notifyMaxAttempts must be at least 1");
        }
        Objects.requireNonNull(currency, "currency");
    }

    /**
     * Port 0, latency 50 ms, slow latency 35 s, waiting resolves after 2 s, notifications delivered twice, retried
     * every 500 ms up to 10 attempts, currency JPY.
     */
    public static SandboxSettings defaults(String partnerNo, String signKey) {
        return new SandboxSettings(0, partnerNo, signKey, Duration.ofMillis(50), Duration.ofSeconds(35),
                Duration.ofSeconds(2), 2, Duration.ofMillis(500), 10, "JPY");
    }

    public SandboxSettings withPort(int port) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withPartnerNo(String partnerNo) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withSignKey(String signKey) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withLatency(Duration latency) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withSlowLatency(Duration slowLatency) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withWaitingResolvesAfter(Duration waitingResolvesAfter) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withNotifyRepeats(int notifyRepeats) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withNotifyRetryInterval(Duration notifyRetryInterval) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withNotifyMaxAttempts(int notifyMaxAttempts) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    public SandboxSettings withCurrency(String currency) {
        return new SandboxSettings(port, partnerNo, signKey, latency, slowLatency, waitingResolvesAfter,
                notifyRepeats, notifyRetryInterval, notifyMaxAttempts, currency);
    }

    private static void requireNotNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }

    /** Never prints the sign key. */
    @Override
    public String toString() {
        return "SandboxSettings[port=" + port + ", partnerNo=" + partnerNo + ", signKey=***, latency=" + latency
                + ", slowLatency=" + slowLatency + ", waitingResolvesAfter=" + waitingResolvesAfter
                + ", notifyRepeats=" + notifyRepeats + ", notifyRetryInterval=" + notifyRetryInterval
                + ", notifyMaxAttempts=" + notifyMaxAttempts + ", currency=" + currency + "]";
    }
}
