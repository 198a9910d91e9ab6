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
 * rewinds a partition, the next poll's records of that partition (fetched before the rewind) still arrive once. They
 * come again after the rewound record and are dropped here until it arrives. A rebalance (a new group generation)
 * forgets every rewind: the partition then restarts from its committed offset anyway.
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

    private record Rewind(long offset, int generation) {
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
            if (rewind != null && rewind.generation() == generation && at.offset() > rewind.offset()) {
                continue; // fetched before the rewind: it comes again after the rewound record
            }
            if (rewind != null) {
                rewinds.remove(at.partition()); // the rewound record itself, or the partition was reassigned
            }
            current.add(record);
        }
        return current;
    }

    /**
     * Settles a batch: {@code records} in their order, {@code done} says which are done (processed, or
     * dead-lettered). Remembers the rewinds, so that {@link #current} drops what was fetched before them.
     */
    <R> Settlement settle(List<R> records, Function<R, Position> position, Predicate<R> done, int generation) {
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
        rewind.forEach((partition, offset) -> rewinds.put(partition, new Rewind(offset, generation)));
        return new Settlement(commit, rewind);
    }
}
