package com.scanforpay.gateway.api;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * HTTP requests waiting for a result, by key, in this instance's memory: no thread waits, a request is only a
 * {@link CompletableFuture} here until the results topic (read by every instance) completes it or its wait ends.
 * Lost on restart (so are the HTTP connections); the payments themselves go on through Kafka and the ledger.
 */
@ApplicationScoped
public class ResultWaiters {

    private static final Logger LOG = Logger.getLogger(ResultWaiters.class);

    /** The outcomes that end a PAY (docs/contract.md §3.2); PENDING does not. */
    static final Set<Outcome> FINAL_PAY = EnumSet.of(Outcome.SUCCESS, Outcome.FAILED, Outcome.REFUNDED,
            Outcome.REJECTED, Outcome.UNKNOWN);
    /** The outcomes that end a REFUND. */
    static final Set<Outcome> FINAL_REFUND = EnumSet.of(Outcome.SUCCESS, Outcome.FAILED, Outcome.REJECTED,
            Outcome.UNKNOWN);

    private final Map<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();

    /** One waiting request: its future, and which results under its key are its own. */
    private record Waiter(CompletableFuture<PaymentResult> future, Predicate<PaymentResult> accepts) {
        // identity, not value, equality: two requests may wait with equal predicates
        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    static String payKey(String partnerOrderNo) {
        return "PAY/" + partnerOrderNo;
    }

    static String refundKey(String refundNo) {
        return "REFUND/" + refundNo;
    }

    static String queryKey(String partnerOrderNo) {
        return "QUERY/" + partnerOrderNo;
    }

    /** A future completed by the next final result for {@code key}; it leaves this registry once completed. */
    public CompletableFuture<PaymentResult> register(String key) {
        return register(key, result -> true);
    }

    /**
     * A future completed by the next final result for {@code key} that {@code accepts} takes as this request's
     * own: another command's result under the same key (a REJECTED repeat of the order with another amount) must
     * not answer a till whose payment goes on. {@code accepts} runs on the results consumer.
     */
    public CompletableFuture<PaymentResult> register(String key, Predicate<PaymentResult> accepts) {
        Waiter waiter = new Waiter(new CompletableFuture<>(), accepts);
        waiting.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        waiter.future().whenComplete((result, failure) -> waiting.computeIfPresent(key, (k, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        }));
        return waiter.future();
    }

    /** Completes the waiters this result ends: a final PAY or REFUND outcome, or any QUERY answer. */
    public void onResult(PaymentResult result) {
        if (result == null || result.type() == null || result.outcome() == null) {
            return;
        }
        String key = keyOf(result);
        if (key == null) {
            return;
        }
        Set<Waiter> waiters = waiting.get(key);
        if (waiters != null) {
            // a copy: completing a future removes it from the set
            for (Waiter waiter : Set.copyOf(waiters)) {
                if (accepts(waiter, result)) {
                    waiter.future().complete(result);
                }
            }
        }
    }

    // Undecided (the ledger cannot be read now): the request keeps waiting, and reads the ledger when its wait ends.
    private static boolean accepts(Waiter waiter, PaymentResult result) {
        try {
            return waiter.accepts().test(result);
        } catch (RuntimeException e) {
            LOG.warnf("Result for %s not matched to a waiting request: %s", result.partnerOrderNo(), e.toString());
            return false;
        }
    }

    /** Whether no request is waiting now. */
    public boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** How many requests are waiting now. */
    public int size() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    private static String keyOf(PaymentResult result) {
        if (result.type() == CommandType.PAY && result.partnerOrderNo() != null
                && FINAL_PAY.contains(result.outcome())) {
            return payKey(result.partnerOrderNo());
        }
        if (result.type() == CommandType.REFUND && result.refundNo() != null
                && FINAL_REFUND.contains(result.outcome())) {
            return refundKey(result.refundNo());
        }
        if (result.type() == CommandType.QUERY && result.partnerOrderNo() != null) {
            return queryKey(result.partnerOrderNo());
        }
        return null;
    }
}
