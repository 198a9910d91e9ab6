package com.scanforpay.gateway.bench;

import java.util.Arrays;

/** Percentiles of a set of latencies (nanoseconds), nearest-rank; and rates. Pure, unit-tested. */
public record LatencyStats(int count, long p50Nanos, long p99Nanos, long maxNanos) {

    /** Nearest-rank percentiles of {@code nanos} (not modified). */
    public static LatencyStats of(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no latencies");
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new LatencyStats(sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** Nearest rank: the smallest value with at least {@code p}% of the values at or below it. */
    static long percentile(long[] sorted, double p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** Events per second: {@code count} events between two nanoTime readings. */
    public static double perSecond(int count, long fromNanos, long toNanos) {
        if (toNanos <= fromNanos) {
            throw new IllegalArgumentException("empty interval");
        }
        return count * 1_000_000_000.0 / (toNanos - fromNanos);
    }

    /** "p50 / p99 / max" in milliseconds, one decimal. */
    public String millis() {
        return ms(p50Nanos) + " / " + ms(p99Nanos) + " / " + ms(maxNanos) + " ms";
    }

    static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1_000_000.0);
    }
}
