package com.scanforpay.gateway.payment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * rewinds a partition, records of that partition fetched before the rewind still arrive, after it. They are dropped
 * here: they come again, fetched anew from the rewound record (or, after a rebalance, from the partition's committed
 * offset). Which is which is told by the number of the fetch that brought a record ({@link FetchNumbering}), not by
 * its offset, so neither a rebalance nor records deleted meanwhile can make this drop a record fetched after the
 * rewind, or keep one fetched before it.
 */
final class OffsetProgress {

    /** One record's place, and the number of the fetch that brought it. */
    record Position(TopicPartition partition, long offset, long fetch) {
    }

    /** What a finished batch commits (next offset per partition) and where it rewinds (first record not done). */
    record Settlement(Map<TopicPartition, Long> commit, Map<TopicPartition, Long> rewind) {
    }

    /** Per rewound partition: the latest fetch when it was rewound; records of fetches up to it come again. */
    private final Map<TopicPartition, Long> rewoundAtFetch = new HashMap<>();

    /**
     * The records of a new batch that are to run, in their order: those of a partition this consumer no longer
     * holds (its new owner starts from the committed offset), and those of a rewound partition that were fetched
     * before the rewind, are left out.
     */
    <R> List<R> current(List<R> records, Function<R, Position> position, Set<TopicPartition> assigned) {
        List<R> current = new ArrayList<>(records.size());
        for (R record : records) {
            Position at = position.apply(record);
            if (!assigned.contains(at.partition())) {
                continue;
            }
            Long rewoundAt = rewoundAtFetch.get(at.partition());
            if (rewoundAt != null && at.fetch() <= rewoundAt) {
                continue; // fetched before the rewind: it comes again
            }
            if (rewoundAt != null) {
                rewoundAtFetch.remove(at.partition()); // the first record fetched after the rewind
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
     * Remembers that {@code partition} was rewound when {@code latestFetch} was the latest fetch, so that
     * {@link #current} drops what was fetched until then.
     */
    void rewound(TopicPartition partition, long latestFetch) {
        rewoundAtFetch.put(partition, latestFetch);
    }
}
