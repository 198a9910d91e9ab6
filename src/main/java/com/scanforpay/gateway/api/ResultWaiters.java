package com.scanforpay.gateway.api;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP requests waiting for a result, by key, in this instance's memory: no thread waits, a request is only a
 * {@link CompletableFuture} here until the results topic (read by every instance) completes it or its wait ends.
 * Lost on restart (so are the HTTP connections); the payments themselves go on through Kafka and the ledger.
 */
@ApplicationScoped
public class ResultWaiters {

    /** The outcomes that end a PAY (CONTRACT.md §3); PENDING does not. */
    static final Set<Outcome> FINAL_PAY = EnumSet.of(Outcome.SUCCESS, Outcome.FAILED, Outcome.REFUNDED,
            Outcome.REJECTED, Outcome.UNKNOWN);
    /** The outcomes that end a REFUND. */
    static final Set<Outcome> FINAL_REFUND = EnumSet.of(Outcome.SUCCESS, Outcome.FAILED, Outcome.REJECTED,
            Outcome.UNKNOWN);

    private final Map<String, Set<CompletableFuture<PaymentResult>>> waiting = new ConcurrentHashMap<>();

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
        CompletableFuture<PaymentResult> future = new CompletableFuture<>();
        waiting.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(future);
        future.whenComplete((result, failure) -> waiting.computeIfPresent(key, (k, set) -> {
            set.remove(future);
            return set.isEmpty() ? null : set;
        }));
        return future;
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
        Set<CompletableFuture<PaymentResult>> futures = waiting.get(key);
        if (futures != null) {
            // a copy: completing a future removes it from the set
            for (CompletableFuture<PaymentResult> future : Set.copyOf(futures)) {
                future.complete(result);
            }
        }
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
