package com.scanforpay.gateway.command;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether command batches get through or an outage holds them back, and for how long to wait before the next
 * attempt (doubling while the outage lasts, up to 30 s). The command dispatcher reports here after each batch;
 * readiness reads it.
 */
@ApplicationScoped
public class CommandIntake {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** An outage holding command batches back: since when, how many batches in a row, and its cause. */
    public record HeldBack(Instant since, int batches, String outage) {
    }

    /** The commands consumer itself fails (e.g. Kafka refuses its credentials or its rights): since when, and why. */
    public record ConsumerFailing(Instant since, String cause) {
    }

    private HeldBack heldBack;
    private volatile ConsumerFailing consumerFailing;

    /** The commands consumer failed and is being made again. */
    void consumerFailed(RuntimeException failure) {
        ConsumerFailing before = consumerFailing;
        // Kafka's messages name the topic, group or mechanism refused, never a secret
        consumerFailing = new ConsumerFailing(before == null ? Instant.now() : before.since(),
                failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    /** The commands consumer polled: it reaches its partitions. */
    void consumerPolled() {
        if (consumerFailing != null) {
            consumerFailing = null;
        }
    }

    /** Why the commands consumer fails now, if it does. */
    public Optional<ConsumerFailing> consumerFailing() {
        return Optional.ofNullable(consumerFailing);
    }

    /** A batch was held back by {@code outage}: how long to wait before it is delivered again. */
    synchronized Duration heldBack(String outage) {
        heldBack = heldBack == null ? new HeldBack(Instant.now(), 1, outage)
                : new HeldBack(heldBack.since(), heldBack.batches() + 1, outage);
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(heldBack.batches() - 1, 10));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /** A batch got through. */
    synchronized void tookBatch() {
        heldBack = null;
    }

    /** The outage holding batches back now, if any. */
    public synchronized Optional<HeldBack> heldBack() {
        return Optional.ofNullable(heldBack);
    }
}
