package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.payment.OffsetProgress.Position;
import com.scanforpay.gateway.payment.OffsetProgress.Settlement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Commit up to the first record not done, rewind there, and drop what was fetched before the rewind (told by the
 * fetch that brought each record, whatever its offset).
 */
class OffsetProgressTest {

    private static final TopicPartition P0 = new TopicPartition("commands", 0);
    private static final TopicPartition P1 = new TopicPartition("commands", 1);
    private static final Set<TopicPartition> BOTH = Set.of(P0, P1);
    private static final Function<Position, Position> SELF = Function.identity();

    private final OffsetProgress progress = new OffsetProgress();

    @Test
    void aBatchAllDoneCommitsEachPartitionAfterItsLastRecord() {
        List<Position> batch = List.of(at(P0, 10, 1), at(P1, 4, 1), at(P0, 11, 1), at(P1, 5, 1));

        Settlement settlement = progress.settle(batch, SELF, record -> true);

        assertEquals(Map.of(P0, 12L, P1, 6L), settlement.commit());
        assertTrue(settlement.rewind().isEmpty(), "nothing held back");
    }

    @Test
    void aPartitionIsCommittedUpToItsFirstRecordNotDoneAndRewoundThereEvenIfLaterOnesAreDone() {
        List<Position> batch = List.of(at(P0, 10, 1), at(P0, 11, 1), at(P0, 12, 1), at(P1, 4, 1));
        Set<Position> done = Set.of(at(P0, 10, 1), at(P0, 12, 1), at(P1, 4, 1));

        Settlement settlement = progress.settle(batch, SELF, done::contains);

        assertEquals(Map.of(P0, 11L, P1, 5L), settlement.commit());
        assertEquals(Map.of(P0, 11L), settlement.rewind(), "12 is delivered again with 11, in order");
    }

    @Test
    void aPartitionWhoseFirstRecordIsNotDoneCommitsNothing() {
        Settlement settlement = progress.settle(List.of(at(P0, 10, 1), at(P0, 11, 1)), SELF, record -> false);

        assertTrue(settlement.commit().isEmpty());
        assertEquals(Map.of(P0, 10L), settlement.rewind());
    }

    @Test
    void recordsFetchedBeforeARewindAreDroppedAndThoseFetchedAfterItRun() {
        // rewound to 11 while fetch 5 (which brought 12 and 13) was the latest
        progress.rewound(P0, 5);

        assertEquals(List.of(at(P1, 3, 5)), progress.current(List.of(at(P0, 12, 5), at(P1, 3, 5), at(P0, 13, 5)),
                SELF, BOTH), "fetched before the rewind: they come again after 11");
        assertEquals(List.of(at(P0, 11, 6), at(P0, 12, 6)), progress.current(List.of(at(P0, 11, 6), at(P0, 12, 6)),
                SELF, BOTH));
        assertEquals(List.of(at(P0, 13, 7)), progress.current(List.of(at(P0, 13, 7)), SELF, BOTH));
    }

    @Test
    void afterARebalanceTheFreshRecordsRunWhateverTheirOffsetAndTheStaleOnesStillDoNot() {
        progress.rewound(P0, 5);

        // stale 21..22 (fetch 5) arrive after a rebalance; the fresh fetch starts at the committed 12, or at 25 if
        // another member went on meanwhile: both run, the stale ones never (they would run out of order)
        assertEquals(List.of(at(P0, 25, 6)), progress.current(List.of(at(P0, 21, 5), at(P0, 22, 5), at(P0, 25, 6)),
                SELF, BOTH));
    }

    @Test
    void theRewoundRecordNeedNotComeBack() {
        progress.rewound(P0, 5);

        // 11 and after were deleted meanwhile (retention): the partition restarts at its log start
        assertEquals(List.of(at(P0, 40, 6)), progress.current(List.of(at(P0, 40, 6)), SELF, BOTH),
                "never stalled waiting for a record that will not come");
    }

    @Test
    void recordsOfAPartitionNoLongerHeldAreLeftToItsNewOwner() {
        assertEquals(List.of(at(P1, 3, 2)), progress.current(List.of(at(P0, 12, 2), at(P1, 3, 2)), SELF,
                Set.of(P1)));
    }

    private static Position at(TopicPartition partition, long offset, long fetch) {
        return new Position(partition, offset, fetch);
    }
}
