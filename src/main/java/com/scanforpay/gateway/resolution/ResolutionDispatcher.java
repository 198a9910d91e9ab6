package com.scanforpay.gateway.resolution;

import com.scanforpay.gateway.payment.AsyncSender;

import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.logging.PaymentLogContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

/**
 * One tick of the resolver: claims as many due payments as this instance has room for (at most {@code most} being
 * resolved at once) and starts resolving each through an asynchronous producer, without waiting for any. The tick
 * returns at once, so a slow provider query holds back no other payment's: the next tick claims what has become
 * due meanwhile, in the places that answered payments have freed.
 *
 * <p>Each payment is an exchange of the resolving route from the moment it is sent, so Camel counts it in flight
 * and a graceful shutdown waits for it. A resolution that fails (e.g. the database is down) is logged; the payment
 * is resolved again once its claim lapses, by this instance or another.
 */
final class ResolutionDispatcher implements Processor {

    private static final Logger LOG = Logger.getLogger(ResolutionDispatcher.class);

    private final CamelContext camelContext;
    private final AsyncSender resolver;
    private final int most;
    private final IntFunction<List<LedgerEntry>> claimDue;
    private final AtomicInteger beingResolved = new AtomicInteger();

    /**
     * @param resolveEndpoint where a claimed payment is resolved; its body is the {@link LedgerEntry}
     * @param most            the most payments being resolved at once by this instance
     * @param claimDue        claims up to the given number of due payments
     */
    ResolutionDispatcher(CamelContext camelContext, String resolveEndpoint, int most,
            IntFunction<List<LedgerEntry>> claimDue) {
        if (most < 1) {
            throw new IllegalArgumentException("most must be positive");
        }
        this.camelContext = camelContext;
        this.resolver = new AsyncSender(camelContext, resolveEndpoint);
        this.most = most;
        this.claimDue = claimDue;
    }

    @Override
    public void process(Exchange tick) {
        // only this (timer) thread adds, so the room cannot shrink between the check and the sends
        int room = most - beingResolved.get();
        if (room < 1) {
            return;
        }
        resolver.producer(); // a producer that cannot start fails the tick before anything is claimed
        for (LedgerEntry entry : claimDue.apply(room)) {
            resolve(entry);
        }
    }

    /** How many payments this instance is resolving now. */
    int beingResolved() {
        return beingResolved.get();
    }

    private void resolve(LedgerEntry entry) {
        Exchange work = new DefaultExchange(camelContext);
        PaymentLogContext.about(work, entry.partnerOrderNo());
        work.getMessage().setBody(entry);
        beingResolved.incrementAndGet();
        CompletableFuture<Void> resolved;
        try {
            resolved = resolver.send(work);
        } catch (RuntimeException e) {
            // not started: its place is free again (a place lost here would shrink the resolver for good)
            resolved = CompletableFuture.failedFuture(e);
        }
        resolved.whenComplete((done, failure) -> {
            beingResolved.decrementAndGet();
            if (failure != null) {
                LOG.warnf("Payment %s could not be resolved now, it is tried again when its claim lapses: %s",
                        entry.partnerOrderNo(), failure.toString());
            }
        });
    }
}
