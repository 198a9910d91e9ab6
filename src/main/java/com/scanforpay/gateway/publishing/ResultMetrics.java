package com.scanforpay.gateway.publishing;

import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metrics of published results: {@code scanforpay_results_total} by type, outcome and source, and
 * {@code scanforpay_payment_time_to_final_result_seconds}. Meters are looked up once per label set: a registry
 * look-up per result shows in the profile.
 */
@Singleton
public class ResultMetrics {

    static final String TIME_TO_FINAL_RESULT = "scanforpay.payment.time.to.final.result";
    private static final Duration[] TIME_TO_FINAL_RESULT_BUCKETS = {Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};

    private final MeterRegistry meters;
    private final Map<String, Counter> publishedCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> settledTimers = new ConcurrentHashMap<>();

    public ResultMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A result Kafka acknowledged, by type, outcome and the path that learnt it. */
    void published(PaymentResult result) {
        publishedCounters.computeIfAbsent(result.type() + "/" + result.outcome() + "/" + result.source(),
                key -> meters.counter("scanforpay.results", "type", result.type().name(), "outcome",
                        result.outcome().name(), "source", result.source().name())).increment();
    }

    /**
     * A payment's time from its admission to the ledger until its final result was on Kafka, recorded once per
     * payment (the ledger's confirmation says which publication was the first, across paths and instances). Only
     * the settlement, SUCCESS or FAILED: a later REFUNDED is the refunds' doing, not the payment's latency.
     */
    void settled(PaymentResult result, Duration sinceAdmission) {
        if (result.outcome() != Outcome.SUCCESS && result.outcome() != Outcome.FAILED) {
            return;
        }
        settledTimers.computeIfAbsent(result.outcome() + "/" + result.source(),
                key -> Timer.builder(TIME_TO_FINAL_RESULT)
                        .description("from a payment's admission to the ledger until Kafka acknowledged its final "
                                + "result")
                        .tag("type", result.type().name()).tag("outcome", result.outcome().name())
                        .tag("source", result.source().name())
                        // customers confirm in their wallets, the resolver asks for minutes: buckets up to an hour
                        .serviceLevelObjectives(TIME_TO_FINAL_RESULT_BUCKETS)
                        .register(meters))
                .record(sinceAdmission);
    }
}
