package com.scanforpay.gateway.payment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * How far each partition of the commands topic is done (plain Java, used on the consumer thread only). After a
 * batch, each partition is committed up to its first record that is not done (held back by an outage, or waiting
 * behind its order's limit), and rewound to that record, so it is delivered again in order; the records after it
 * are delivered again too, never skipped.
 *
 * <p>Why records must be dropped after a rewind: camel-kafka hands a batch over one poll late, so when a batch
 * rewinds a partition, records of that partition fetched before the rewind (offsets from the rewound one up to the
 * consumer's position then) still arrive once. They come again after the rewind and are dropped here until the
 * rewound record, or one fetched after the rewind, arrives. A rebalance (a new group generation) forgets every
 * rewind: the partition then restarts from its committed offset anyway.
 */
final class OffsetProgress {

    /** One record's place. */
    record Position(TopicPartition partition, long offset) {
    }

    /** What a finished batch commits (next offset per partition) and where it rewinds (first record not done). */
    record Settlement(Map<TopicPartition, Long> commit, Map<TopicPartition, Long> rewind) {

        boolean holdsBack() {
            return !rewind.isEmpty();
        }
    }

    /** A rewind to {@code offset}; records from there up to {@code fetchedUntil} were fetched before it. */
    private record Rewind(long offset, long fetchedUntil, int generation) {

        boolean fetchedBefore(long at, int currentGeneration) {
            return generation == currentGeneration && at > offset && at < fetchedUntil;
        }
    }

    private final Map<TopicPartition, Rewind> rewinds = new HashMap<>();

    /**
     * The records of a new batch that are to run, in their order: those of a rewound partition that were fetched
     * before the rewind are left out (they are delivered again).
     */
    <R> List<R> current(List<R> records, Function<R, Position> position, int generation) {
        if (rewinds.isEmpty()) {
            return records;
        }
        List<R> current = new ArrayList<>(records.size());
        for (R record : records) {
            Position at = position.apply(record);
            Rewind rewind = rewinds.get(at.partition());
            if (rewind != null && rewind.fetchedBefore(at.offset(), generation)) {
                continue; // it comes again after the rewound record
            }
            if (rewind != null) {
                rewinds.remove(at.partition()); // the rewound record, one fetched after it, or a reassignment
            }
            current.add(record);
        }
        return current;
    }

    /**
     * Settles a batch: {@code records} in their order, {@code done} says which are done (processed, or
     * dead-lettered).
     */
    <R> Settlement settle(List<R> records, Function<R, Position> position, Predicate<R> done) {
        Map<TopicPartition, Long> commit = new LinkedHashMap<>();
        Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
        for (R record : records) {
            Position at = position.apply(record);
            if (rewind.containsKey(at.partition())) {
                continue; // behind a record that is not done: delivered again with it
            }
            if (done.test(record)) {
                commit.put(at.partition(), at.offset() + 1);
            } else {
                rewind.put(at.partition(), at.offset());
            }
        }
        return new Settlement(commit, rewind);
    }

    /**
     * Remembers that {@code partition} was rewound to {@code offset} while the consumer had fetched it up to
     * {@code fetchedUntil} (its position then), so that {@link #current} drops what was fetched before.
     */
    void rewound(TopicPartition partition, long offset, long fetchedUntil, int generation) {
        rewinds.put(partition, new Rewind(offset, fetchedUntil, generation));
    }
}
