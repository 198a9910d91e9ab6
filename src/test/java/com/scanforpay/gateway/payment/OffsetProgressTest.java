package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.payment.OffsetProgress.Position;
import com.scanforpay.gateway.payment.OffsetProgress.Settlement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Commit up to the first record not done, rewind there, and drop what was fetched before the rewind. */
class OffsetProgressTest {

    private static final TopicPartition P0 = new TopicPartition("commands", 0);
    private static final TopicPartition P1 = new TopicPartition("commands", 1);
    private static final Function<Position, Position> SELF = Function.identity();

    private final OffsetProgress progress = new OffsetProgress();

    @Test
    void aBatchAllDoneCommitsEachPartitionAfterItsLastRecord() {
        List<Position> batch = List.of(at(P0, 10), at(P1, 4), at(P0, 11), at(P1, 5));

        Settlement settlement = progress.settle(batch, SELF, record -> true);

        assertEquals(Map.of(P0, 12L, P1, 6L), settlement.commit());
        assertFalse(settlement.holdsBack());
    }

    @Test
    void aPartitionIsCommittedUpToItsFirstRecordNotDoneAndRewoundThereEvenIfLaterOnesAreDone() {
        List<Position> batch = List.of(at(P0, 10), at(P0, 11), at(P0, 12), at(P1, 4));
        Set<Position> done = Set.of(at(P0, 10), at(P0, 12), at(P1, 4));

        Settlement settlement = progress.settle(batch, SELF, done::contains);

        assertEquals(Map.of(P0, 11L, P1, 5L), settlement.commit());
        assertEquals(Map.of(P0, 11L), settlement.rewind(), "12 is delivered again with 11, in order");
    }

    @Test
    void aPartitionWhoseFirstRecordIsNotDoneCommitsNothing() {
        Settlement settlement = progress.settle(List.of(at(P0, 10), at(P0, 11)), SELF, record -> false);

        assertTrue(settlement.commit().isEmpty());
        assertEquals(Map.of(P0, 10L), settlement.rewind());
    }

    @Test
    void recordsFetchedBeforeARewindAreDroppedUntilTheRewoundRecordComesAgain() {
        Settlement settlement = progress.settle(List.of(at(P0, 10), at(P0, 11)), SELF, at(P0, 10)::equals);
        assertEquals(Map.of(P0, 11L), settlement.rewind());
        // the consumer had fetched P0 up to 13 (its position 14) when it was rewound to 11
        progress.rewound(P0, 11, 14, 7);

        // 12 and 13 of P0, fetched before the rewind, still arrive: they come again after 11
        assertEquals(List.of(at(P1, 3)), progress.current(List.of(at(P0, 12), at(P1, 3), at(P0, 13)), SELF, 7));
        assertEquals(List.of(at(P0, 11), at(P0, 12)), progress.current(List.of(at(P0, 11), at(P0, 12)), SELF, 7));
        assertEquals(List.of(at(P0, 13)), progress.current(List.of(at(P0, 13)), SELF, 7), "rewind done: as they come");
    }

    @Test
    void aRecordFetchedAfterTheRewindEndsItEvenIfTheRewoundOneNeverComes() {
        progress.rewound(P0, 11, 14, 7);

        // 11 and the rest were deleted meanwhile (retention): the partition restarts at its log start
        assertEquals(List.of(at(P0, 14), at(P0, 15)), progress.current(List.of(at(P0, 14), at(P0, 15)), SELF, 7),
                "never stalled waiting for a record that will not come");
    }

    @Test
    void aRebalanceForgetsRewindsTheNewOwnerStartsFromTheCommittedOffset() {
        progress.rewound(P0, 10, 30, 7);

        assertEquals(List.of(at(P0, 25)), progress.current(List.of(at(P0, 25)), SELF, 8),
                "another generation: the partition restarts wherever its committed offset is");
        assertEquals(List.of(at(P0, 26)), progress.current(List.of(at(P0, 26)), SELF, 8));
    }

    private static Position at(TopicPartition partition, long offset) {
        return new Position(partition, offset);
    }
}
