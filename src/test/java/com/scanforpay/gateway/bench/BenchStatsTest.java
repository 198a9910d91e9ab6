package com.scanforpay.gateway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The benchmark's pure pieces: percentiles, rates and /proc parsing (no infrastructure). */
class BenchStatsTest {

    @Test
    void nearestRankPercentiles() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[99 - i] = i + 1; // 100 .. 1, unsorted on purpose
        }
        LatencyStats stats = LatencyStats.of(values);
        assertEquals(50, stats.p50Nanos());
        assertEquals(99, stats.p99Nanos());
        assertEquals(100, stats.maxNanos());
        assertEquals(100, values[0], "the input is not sorted in place");

        LatencyStats one = LatencyStats.of(new long[] {7});
        assertEquals(7, one.p50Nanos());
        assertEquals(7, one.p99Nanos());
        // 3 values: p50 is the 2nd (ceil 1.5), p99 the 3rd
        LatencyStats three = LatencyStats.of(new long[] {30, 10, 20});
        assertEquals(20, three.p50Nanos());
        assertEquals(30, three.p99Nanos());
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(new long[0]));
    }

    @Test
    void ratesAndMillis() {
        assertEquals(500.0, LatencyStats.perSecond(1000, 0, 2_000_000_000L), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.perSecond(1, 5, 5));
        assertEquals("1.5 / 20.0 / 300.0 ms", new LatencyStats(3, 1_500_000, 20_000_000, 300_000_000).millis());
    }

    @Test
    void cpuTicksFromAStatLineWhoseNameHoldsSpacesAndParentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 9000 0 3 0 1234 567 8 9 20 0 40 0 "
                + "100 3000000000 50000 18446744073709551615";
        assertEquals(1234 + 567, ProcStats.cpuTicksOfStat(stat));
        assertEquals(1234 + 567 + 8 + 9, ProcStats.cpuTicksWithReapedChildren(stat));
        assertThrows(IllegalArgumentException.class, () -> ProcStats.cpuTicksOfStat("4242 S 1 2"));
    }

    @Test
    void peakRssFromStatus() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmHWM:\t  312456 kB\nVmRSS:\t  300000 kB\n";
        assertEquals(312456, ProcStats.kbField(status, "VmHWM"));
        assertEquals(300000, ProcStats.kbField(status, "VmRSS"));
        assertThrows(IllegalArgumentException.class, () -> ProcStats.kbField(status, "VmSwap"));
    }

    @Test
    void ownProcessCanBeRead() {
        long pid = ProcessHandle.current().pid();
        org.junit.jupiter.api.Assertions.assertTrue(ProcStats.cpuTicks(pid) >= 0);
        org.junit.jupiter.api.Assertions.assertTrue(ProcStats.peakRssKb(pid) > 0);
    }
}
