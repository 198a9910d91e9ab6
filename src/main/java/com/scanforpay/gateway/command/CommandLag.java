package com.scanforpay.gateway.command;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The commands consumer's lag, one gauge per partition this instance owns:
 * {@code scanforpay_commands_lag{partition="0"}}, records between the consumer's position and the end of the
 * partition. Read with {@link Consumer#currentLag}, which must run on the polling thread (a KafkaConsumer is not
 * thread-safe) and mostly asks Kafka nothing (it uses what the last fetch learnt; a partition whose end is not known
 * yet costs one offsets request); at most once per {@code refreshEvery},
 * so a busy consumer polling hundreds of times a second pays nothing measurable. A partition given up (revoked,
 * lost, or the consumer closed) loses its gauge at once: the new owner reports it, no stale value lingers here.
 *
 * <p>Used by the polling thread only; scrapes read the values ({@link AtomicLong}) from their own threads.
 */
final class CommandLag {

    static final String METER = "scanforpay.commands.lag";
    static final Duration REFRESH_EVERY = Duration.ofSeconds(1);

    private final MeterRegistry meters;
    private final long refreshEveryNanos;
    private final Map<TopicPartition, PartitionLag> partitions = new HashMap<>();
    private long lastRefresh;
    private boolean refreshed;

    private record PartitionLag(AtomicLong records, Gauge gauge) {
    }

    CommandLag(MeterRegistry meters, Duration refreshEvery) {
        this.meters = meters;
        this.refreshEveryNanos = refreshEvery.toNanos();
    }

    /**
     * After a poll: the lag of every assigned partition whose end Kafka has told the consumer (a partition not yet
     * fetched has no gauge yet; one whose lag is unknown for a moment keeps its last value while still owned).
     */
    void refresh(Consumer<?, ?> consumer, long nanoTime) {
        if (refreshed && nanoTime - lastRefresh < refreshEveryNanos) {
            return;
        }
        refreshed = true;
        lastRefresh = nanoTime;
        Set<TopicPartition> assigned = consumer.assignment();
        // a partition taken away without a listener call (e.g. the consumer failed and was replaced)
        dropIf(partition -> !assigned.contains(partition));
        for (TopicPartition partition : assigned) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                partitions.computeIfAbsent(partition, this::register).records().set(lag.getAsLong());
            }
        }
    }

    /** Partitions revoked or lost: no longer this instance's to report. */
    void forget(Collection<TopicPartition> given) {
        dropIf(given::contains);
    }

    /** The consumer closed (stopping, or replaced after a failure): it owns nothing. */
    void forgetAll() {
        dropIf(partition -> true);
        refreshed = false;
    }

    private PartitionLag register(TopicPartition partition) {
        AtomicLong records = new AtomicLong();
        Gauge gauge = Gauge.builder(METER, records, AtomicLong::get)
                .description("records of the commands topic not yet consumed, per partition this instance owns")
                .tag("partition", String.valueOf(partition.partition()))
                .register(meters);
        return new PartitionLag(records, gauge);
    }

    /** Removes the gauges of the partitions that {@code given}: from the registry, so scrapes stop showing them. */
    private void dropIf(Predicate<TopicPartition> given) {
        for (Iterator<Map.Entry<TopicPartition, PartitionLag>> it = partitions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TopicPartition, PartitionLag> entry = it.next();
            if (given.test(entry.getKey())) {
                meters.remove(entry.getValue().gauge());
                it.remove();
            }
        }
    }
}
