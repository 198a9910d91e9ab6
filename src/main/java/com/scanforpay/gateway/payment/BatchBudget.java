package com.scanforpay.gateway.payment;

import java.time.Duration;

/**
 * How many commands of one order one batch may run, so that a batch always ends within Kafka's
 * {@code max.poll.interval.ms} whatever the provider does (an instance that exceeds it is taken out of the group,
 * and its batch is delivered again elsewhere). A batch runs its orders concurrently and each order's commands one
 * after another, so it lasts as long as its longest order; commands of an order beyond the limit wait for the next
 * batch. camel-kafka may run two batches between two polls, so each gets half the poll interval.
 *
 * <p>The worst one command can take: a provider call that waits for a connection and is answered only at the
 * response timeout, then publishing two records (its result, and a dead letter if it fails), each blocked for
 * Kafka's metadata and delivered within the publish timeout, or waiting for another path's claim on the same result
 * for the whole claim lease.
 *
 * @param perCommand the worst one command can take
 * @param perOrder   commands of one order per batch
 */
public record BatchBudget(Duration perCommand, int perOrder) {

    /** Kept free of the poll interval for polling, committing and the dispatcher's own work. */
    static final Duration MARGIN = Duration.ofSeconds(5);

    public static BatchBudget of(Duration maxPollInterval, Duration connectTimeout, Duration responseTimeout,
            Duration publishTimeout, Duration claimLease) {
        Duration publish = publishTimeout.multipliedBy(2).plus(claimLease);
        Duration perCommand = connectTimeout.plus(responseTimeout).plus(publish.multipliedBy(2));
        // camel-kafka may run two batches between two polls (the previous poll's, then a full one)
        Duration available = maxPollInterval.minus(MARGIN).dividedBy(2);
        if (available.compareTo(perCommand) < 0) {
            throw new IllegalArgumentException("scanforpay.consumer.max-poll-interval (" + maxPollInterval
                    + ") leaves less than two commands can take (2 × " + perCommand + " = connect timeout + response "
                    + "timeout + 2 × (2 × publish timeout + claim lease)) plus " + MARGIN + ": make it longer");
        }
        return new BatchBudget(perCommand, (int) Math.min(Integer.MAX_VALUE, available.dividedBy(perCommand)));
    }
}
