package com.scanforpay.gateway.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lag gauges as Prometheus sees them, behind a composite registry as in the application: a value per owned
 * partition, refreshed at most once a period, and nothing at all for a partition given up.
 */
class CommandLagTest {

    private static final String TOPIC = "scanforpay.payment.commands";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final TopicPartition P2 = new TopicPartition(TOPIC, 2);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final CommandLag lag = new CommandLag(meters, Duration.ofSeconds(1));

    @BeforeEach
    void ownThreePartitions() {
        meters.add(prometheus);
        consumer.assign(List.of(P0, P1, P2));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L, P2, 0L));
        consumer.updateEndOffsets(Map.of(P0, 10L, P1, 5L, P2, 0L));
        consumer.seek(P0, 4);
        consumer.seek(P1, 5);
        consumer.seek(P2, 0);
    }

    @Test
    void reportsEachOwnedPartitionsLag() {
        lag.refresh(consumer, 0);

        assertEquals(6.0, exported("0"));
        assertEquals(0.0, exported("1"));
        assertEquals(0.0, exported("2"));
    }

    @Test
    void refreshesAtMostOncePerPeriod() {
        lag.refresh(consumer, 0);
        consumer.updateEndOffsets(Map.of(P0, 30L));

        lag.refresh(consumer, SECOND / 2);
        assertEquals(6.0, exported("0"), "within the period: not read again");

        lag.refresh(consumer, SECOND);
        assertEquals(26.0, exported("0"), "a period later: the new end");
    }

    @Test
    void aRevokedPartitionReportsNothing() {
        lag.refresh(consumer, 0);

        lag.forget(List.of(P1));

        assertFalse(scrape().contains("partition=\"1\""), "revoked: no stale value\n" + scrape());
        assertEquals(6.0, exported("0"), "the others still reported");
        consumer.assign(List.of(P0, P2));
        lag.refresh(consumer, SECOND);
        assertFalse(scrape().contains("partition=\"1\""), scrape());
    }

    @Test
    void aPartitionGoneWithoutACallbackReportsNothingAfterTheNextRefresh() {
        lag.refresh(consumer, 0);

        consumer.assign(List.of(P2));
        lag.refresh(consumer, SECOND);

        assertFalse(scrape().contains("partition=\"0\""), scrape());
        assertFalse(scrape().contains("partition=\"1\""), scrape());
        assertEquals(0.0, exported("2"));
    }

    @Test
    void aClosedConsumerReportsNothingAndAReplacementReportsAtOnce() {
        lag.refresh(consumer, 0);

        lag.forgetAll();
        assertFalse(scrape().contains("scanforpay_commands_lag{"), scrape());

        // the replacement consumer's first poll comes well within the period of the last refresh: read at once
        lag.refresh(consumer, 1);
        assertEquals(6.0, exported("0"));
    }

    private String scrape() {
        return prometheus.scrape();
    }

    /** The value Prometheus would read for {@code partition}; fails when there is none. */
    private double exported(String partition) {
        // the simpleclient text format ends label lists with a comma: {partition="0",}
        Pattern series = Pattern.compile("scanforpay_commands_lag\\{partition=\"" + partition + "\",?} (\\S+)");
        return scrape().lines().map(series::matcher).filter(Matcher::matches).findFirst()
                .map(line -> Double.parseDouble(line.group(1)))
                .orElseThrow(() -> new AssertionError("no lag of partition " + partition + " in\n" + scrape()));
    }

    @Test
    void theExportedNameIsTheOneTheDashboardUses() {
        lag.refresh(consumer, 0);
        assertTrue(scrape().contains("# TYPE scanforpay_commands_lag gauge"), scrape());
    }
}
