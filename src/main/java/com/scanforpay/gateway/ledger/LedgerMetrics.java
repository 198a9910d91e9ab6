package com.scanforpay.gateway.ledger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Unresolved payments by state ({@code scanforpay_ledger_payments{state=...}}): what operators watch (a growing
 * UNKNOWN count needs people). Counted every 15 s rather than per scrape, so scrapes never wait for the database.
 */
@Startup
@ApplicationScoped
public class LedgerMetrics {

    private static final Logger LOG = Logger.getLogger(LedgerMetrics.class);

    private final PaymentLedger ledger;
    private final Map<PaymentState, AtomicLong> counts = new EnumMap<>(PaymentState.class);

    LedgerMetrics(PaymentLedger ledger, MeterRegistry meters) {
        this.ledger = ledger;
        for (PaymentState state : new PaymentState[] {PaymentState.PAYING, PaymentState.PENDING,
                PaymentState.CHECKING, PaymentState.UNKNOWN}) {
            AtomicLong count = new AtomicLong();
            counts.put(state, count);
            Gauge.builder("scanforpay.ledger.payments", count, AtomicLong::get).tag("state", state.name())
                    .description("unresolved payments in the ledger").register(meters);
        }
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void count() {
        try {
            ledger.countUnresolved().forEach((state, count) -> counts.get(state).set(count));
        } catch (LedgerException e) {
            // readiness reports the database; the gauges keep their last values
            LOG.debugf("ledger metrics not refreshed: %s", e.getMessage());
        }
    }
}
