package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchBudgetTest {

    @Test
    void theDefaultsLetTwoCommandsOfOneOrderRunInABatch() {
        BatchBudget budget = BatchBudget.of(Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(30));

        // 5 + 30 + 2 × (2 × 10 + 30) = 135 s per command; (600 - 5) / 2 / 135 = 2: two batches may run per poll
        assertEquals(Duration.ofSeconds(135), budget.perCommand());
        assertEquals(2, budget.perOrder());
    }

    @Test
    void aPollIntervalShorterThanOneCommandIsRefusedNamingTheSetting() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> BatchBudget.of(
                Duration.ofSeconds(200), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(30)));
        assertTrue(refused.getMessage().startsWith("scanforpay.consumer.max-poll-interval (PT3M20S)"),
                refused.getMessage());
    }
}
