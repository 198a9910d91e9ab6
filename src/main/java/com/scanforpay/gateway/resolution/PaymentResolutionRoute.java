package com.scanforpay.gateway.resolution;

import static com.scanforpay.gateway.payment.DecisionSteps.decide;
import static com.scanforpay.gateway.payment.DecisionSteps.decision;
import static com.scanforpay.gateway.payment.DecisionSteps.is;
import static com.scanforpay.gateway.payment.DecisionSteps.nextResult;
import static com.scanforpay.gateway.payment.DecisionSteps.resultCount;

import com.scanforpay.gateway.FlowPolicies;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.logging.PaymentLogContext;
import com.scanforpay.gateway.payment.Decision;
import com.scanforpay.gateway.payment.PaymentDecisions;
import com.scanforpay.gateway.providercall.ProviderCallRoute;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.providercall.RequestSigning;
import com.scanforpay.gateway.publishing.PaymentResultRoute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The pending-resolution flow:
 * <pre>
 * every tick → claim the due payments there is room for → for each, at once:
 *     decide → [sign → query ScanForPay → apply the answer → (no such order: sign → move back to PAYING
 *     → pay once more → interpret)] → publish
 * </pre>
 * Due are payments waiting for the customer, inconclusive, UNKNOWN being swept, PAYING on an instance that died,
 * or settled without a confirmed result. One instance takes each (the claim pushes its next query a lease ahead,
 * SKIP LOCKED), and at most {@code resolverBatch} are being resolved by an instance at once
 * ({@link ResolutionDispatcher}), each over the asynchronous client: a slow query holds back no other payment, and
 * nothing waits in memory between queries: the schedule lives in the ledger, shared by all instances and restarts.
 * The decisions are plain Java ({@link ResolutionDecisions}); the error policy is {@link FlowPolicies#RESOLUTION}.
 */
@ApplicationScoped
public class PaymentResolutionRoute extends RouteBuilder {

    private static final String RESOLVE = "direct:resolve-payment";
    private static final String DUE = "scanforpay.ledgerEntry";
    /** How far the database's clock, which the payment's deadlines are on, is ahead of this instance's. */
    private static final String DATABASE_CLOCK_OFFSET = "scanforpay.databaseClockOffset";

    @Inject
    ScanForPayConfig config;
    @Inject
    IdempotencyConfig idempotency;
    @Inject
    PaymentLedger ledger;
    @Inject
    ResolutionDecisions resolution;
    @Inject
    PaymentDecisions payments;
    @Inject
    RequestSigning sign;
    @Inject
    Clock clock;

    private ResolutionDispatcher dispatcher;

    @Override
    public void configure() {
        // each tick claims what there is room for and returns at once; the payments resolve concurrently
        dispatcher = new ResolutionDispatcher(getCamelContext(), RESOLVE, config.pending().resolverBatch(),
                room -> ledger.claimDue(room, claimLease()));
        long tick = config.pending().resolverTick().toMillis();
        from("timer:payment-resolution?period=" + tick + "&delay=" + tick).routeId("payment-resolution")
                .routeConfigurationId(FlowPolicies.RESOLUTION)
                .process(dispatcher);

        from(RESOLVE).routeId("resolve-payment").routeConfigurationId(FlowPolicies.RESOLUTION)
                .process(this::takeDue)
                .process(decide(exchange -> resolution.resolve(due(exchange), databaseNow(exchange))))
                .filter(is(Decision.Call.class))
                    .process(sign)
                    .to(ProviderCallRoute.CALL)
                    .process(decide(exchange -> resolution.applyAnswer(due(exchange),
                            ((Decision.Call) decision(exchange)).partner(), reply(exchange), databaseNow(exchange))))
                .end()
                .filter(is(Decision.CallAgain.class))
                    .process(sign) // before the move: nothing can fail after it
                    .process(decide(exchange -> resolution.payAgain(due(exchange),
                            (Decision.CallAgain) decision(exchange))))
                    .filter(is(Decision.Call.class))
                        .to(ProviderCallRoute.CALL)
                        .process(decide(exchange -> payments.afterPay(((Decision.Call) decision(exchange)).command(),
                                reply(exchange), due(exchange).payAttempts() + 1)))
                    .end()
                .end()
                .filter(is(Decision.Publish.class))
                    .loop(resultCount()).process(nextResult()).to(PaymentResultRoute.PUBLISH);
    }

    /**
     * Longer than resolving one payment can take (a query, one re-sent pay, waiting for a result being published
     * elsewhere, publishing), so no other instance takes it meanwhile.
     */
    private Duration claimLease() {
        return config.responseTimeout().multipliedBy(2).plus(idempotency.claimLease())
                .plus(config.publishTimeout().multipliedBy(2)).plus(config.pending().firstQueryDelay());
    }

    private void takeDue(Exchange exchange) {
        LedgerEntry due = exchange.getMessage().getBody(LedgerEntry.class);
        exchange.setProperty(DUE, due);
        exchange.setProperty(DATABASE_CLOCK_OFFSET, Duration.between(clock.instant(), due.readAt()));
        PaymentLogContext.about(exchange, due.partnerOrderNo());
    }

    /** Now on the database's clock: the payment's deadlines were set by its now(), whatever this host's says. */
    private Instant databaseNow(Exchange exchange) {
        return clock.instant().plus(exchange.getProperty(DATABASE_CLOCK_OFFSET, Duration.class));
    }

    /** How many payments this instance is resolving now. */
    int beingResolved() {
        return dispatcher.beingResolved();
    }

    private static LedgerEntry due(Exchange exchange) {
        return exchange.getProperty(DUE, LedgerEntry.class);
    }

    private static ProviderReply reply(Exchange exchange) {
        return exchange.getMessage().getBody(ProviderReply.class);
    }
}
