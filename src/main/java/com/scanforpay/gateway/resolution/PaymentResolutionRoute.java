package com.scanforpay.gateway.resolution;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentProgress;
import com.scanforpay.gateway.payment.PaymentStateMachine;
import com.scanforpay.gateway.payment.StoredJson;
import com.scanforpay.gateway.providercall.ProviderCallRoute;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.providercall.ProviderRequest;
import com.scanforpay.gateway.publishing.PaymentResultRoute;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.logging.PaymentLogContext;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.payment.PaymentStateMachine.Step;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The pending-resolution flow: every tick, the payments whose next query is due (waiting for the customer,
 * inconclusive, UNKNOWN being swept, or PAYING on an instance that died) are taken from the ledger by one instance
 * only (the claim pushes their next query a lease ahead, SKIP LOCKED), as many as there is room for: at most
 * {@code resolverBatch} are being resolved by an instance at once ({@link ResolutionDispatcher}). Each is queried
 * over the asynchronous client without waiting for the others, so a slow query holds back no other payment; no
 * thread waits for the provider, and nothing waits in memory between queries: the schedule lives in the ledger, so
 * it survives restarts and is shared by all instances.
 */
@ApplicationScoped
public class PaymentResolutionRoute extends RouteBuilder {

    private static final String RESOLVE = "direct:resolve-payment";
    private static final String ENTRY = "scanforpay.ledgerEntry";
    private static final String PARTNER = "scanforpay.partner";
    /** How far the database's clock, which the payment's deadlines are on, is ahead of this instance's. */
    private static final String DATABASE_CLOCK_OFFSET = "scanforpay.databaseClockOffset";
    /** Exchange property: the pay command sent again, when it was. */
    private static final String RESENT = "scanforpay.paySentAgain";

    @Inject
    ScanForPayConfig config;
    @Inject
    IdempotencyConfig idempotency;
    @Inject
    PaymentLedger ledger;
    @Inject
    PaymentStateMachine machine;
    @Inject
    PaymentProgress progress;
    @Inject
    ProviderCalls providerCalls;
    @Inject
    StoredJson json;
    @Inject
    Clock clock;

    private ResolutionDispatcher dispatcher;

    @Override
    public void configure() {
        // The flow's one policy, as for commands. Anything else is logged (by Camel, and as a warning naming the
        // payment) and retried by the schedule: the claim moved the payment's next query one lease ahead.
        PaymentResultRoute.retryWhileBeingPublishedElsewhere(this, idempotency.claimLease());

        // each tick claims what there is room for and returns at once; the payments resolve concurrently
        dispatcher = new ResolutionDispatcher(getCamelContext(), RESOLVE, config.pending().resolverBatch(),
                room -> ledger.claimDue(room, claimLease()));
        long tick = config.pending().resolverTick().toMillis();
        from("timer:payment-resolution?period=" + tick + "&delay=" + tick).routeId("payment-resolution")
                .process(dispatcher);

        from(RESOLVE).routeId("resolve-payment")
                .process(exchange -> {
                    LedgerEntry entry = exchange.getMessage().getBody(LedgerEntry.class);
                    exchange.setProperty(ENTRY, entry);
                    exchange.setProperty(DATABASE_CLOCK_OFFSET, Duration.between(clock.instant(), entry.readAt()));
                    PaymentLogContext.about(exchange, entry.partnerOrderNo());
                })
                .choice()
                    // final, but its result was not confirmed on Kafka: whoever settled it died before publishing
                    .when(exchange -> entry(exchange).state().isFinal())
                        .process(exchange -> exchange.getMessage().setBody(machine.storedResult(entry(exchange))))
                    .otherwise()
                        .process(this::prepareQuery)
                        .filter(exchangeProperty(ProviderCallRoute.REQUEST).isNotNull())
                            .to(ProviderCallRoute.CALL)
                        .end()
                        .process(this::applyQueryAnswer)
                        .filter(exchangeProperty(RESENT).isNotNull())
                            .to(ProviderCallRoute.CALL)
                            .process(exchange -> exchange.getMessage().setBody(progress.apply(
                                    entry(exchange).partnerOrderNo(), machine.afterPay(exchange.getProperty(RESENT,
                                            PaymentCommand.class), exchange.getMessage().getBody(ProviderReply.class),
                                            entry(exchange).payAttempts() + 1))))
                        .end()
                .end()
                .filter(body().isNotNull())
                    .to(PaymentResultRoute.PUBLISH);
    }

    /**
     * Longer than resolving one payment can take (a query, one re-sent pay, waiting for a result being published
     * elsewhere, publishing), so no other instance takes it meanwhile.
     */
    private Duration claimLease() {
        return config.responseTimeout().multipliedBy(2).plus(idempotency.claimLease())
                .plus(config.publishTimeout().multipliedBy(2)).plus(config.pending().firstQueryDelay());
    }

    /**
     * Sets the query request, for the partner the payment was sent through. A payment whose partner is not
     * configured any more is not asked of anyone: the answer is inconclusive, so the payment goes its way to
     * UNKNOWN at the deadline, saying why, and is never queried or paid through another partner's account.
     */
    private void prepareQuery(Exchange exchange) {
        LedgerEntry entry = entry(exchange);
        Optional<Partner> partner = providerCalls.partnerOf(entry);
        if (partner.isEmpty()) {
            log.warn("Payment {}: {}", entry.partnerOrderNo(), ProviderCalls.noPartner(entry));
            exchange.getMessage().setBody(providerCalls.notSent(ProviderCalls.noPartner(entry)));
            return;
        }
        exchange.setProperty(PARTNER, partner.get());
        exchange.setProperty(ProviderCallRoute.REQUEST, providerCalls.request(new PaymentCommand(CommandType.QUERY,
                entry.storeNo(), entry.partnerOrderNo(), null, null, null, null, null, null, null), partner.get()));
    }

    private void applyQueryAnswer(Exchange exchange) {
        LedgerEntry entry = entry(exchange);
        // the deadline is the database's (set by its now()): compared on its clock, whatever this host's says
        Instant databaseNow = clock.instant().plus(exchange.getProperty(DATABASE_CLOCK_OFFSET, Duration.class));
        Step step = machine.afterQuery(entry, exchange.getMessage().getBody(ProviderReply.class), databaseNow);
        if (step.resendPay()) {
            exchange.getMessage().setBody(null);
            // read before the move: once the payment moves on, the stored command may be cleared
            PaymentCommand payment = payCommand(entry);
            // sealed before the move, for the partner just queried: nothing can fail after it
            ProviderRequest request = providerCalls.request(payment, exchange.getProperty(PARTNER, Partner.class));
            // only the one who moves the payment back to PAYING, at the attempt it saw, sends the pay
            if (ledger.move(entry.partnerOrderNo(), step.from(), step.to(), step.update())) {
                log.info("Payment {}: the provider has no such order; sending the pay once more",
                        entry.partnerOrderNo());
                exchange.setProperty(RESENT, payment);
                exchange.setProperty(ProviderCallRoute.REQUEST, request);
            }
            return;
        }
        exchange.getMessage().setBody(progress.apply(entry.partnerOrderNo(), step));
    }

    private PaymentCommand payCommand(LedgerEntry entry) {
        String stored = ledger.payCommand(entry.partnerOrderNo()).orElseThrow(() -> new IllegalStateException(
                "payment " + entry.partnerOrderNo() + " has no stored pay command to send again"));
        return json.command(stored);
    }

    /** How many payments this instance is resolving now. */
    int beingResolved() {
        return dispatcher.beingResolved();
    }

    private static LedgerEntry entry(Exchange exchange) {
        return exchange.getProperty(ENTRY, LedgerEntry.class);
    }
}
