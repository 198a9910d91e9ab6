package com.scanforpay.gateway.api;

import java.util.Optional;
import java.util.Set;

/**
 * Who calls {@code /payments}, as {@link ApiKeyFilter} identified them: a configured key's name, the stores it acts
 * for (empty: every store) and whether it may refund.
 *
 * @param name the key's name ({@code scanforpay.api.keys."<name>"}), or {@code null} when the API is open
 */
public record ApiCaller(String name, Optional<Set<String>> stores, boolean mayRefund) {

    /** Whoever calls an open API ({@code scanforpay.api.auth=none}): every store, refunds included. */
    public static final ApiCaller OPEN = new ApiCaller(null, Optional.empty(), true);

    /** Acts for every store, including orders whose store the gateway does not know. */
    public boolean allStores() {
        return stores.isEmpty();
    }

    /**
     * Whether this caller may act on an order of {@code storeNo}; {@code null} (a store that cannot be known, e.g.
     * an order the ledger does not have) only for a caller of every store.
     */
    public boolean actsFor(String storeNo) {
        return stores.map(mine -> storeNo != null && mine.contains(storeNo)).orElse(true);
    }

    /** For logs: the key's name, never the key. */
    public String label() {
        return name == null ? "(open API)" : "API key " + name;
    }
}
