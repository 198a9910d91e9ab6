package com.scanforpay.gateway.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Null;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The HTTP payments API ({@code /payments}), e.g. {@code SCANFORPAY_API_MAX_WAIT}. */
@ConfigMapping(prefix = "scanforpay.api")
public interface ApiConfig {

    /** The longest {@code ?wait=} honoured; longer waits are cut to this. */
    @WithDefault("30s")
    Duration maxWait();

    /** How long {@code GET /payments/{partnerOrderNo}?refresh=true} waits for the provider's query answer. */
    @WithDefault("10s")
    Duration refreshWait();

    /**
     * Who may call {@code /payments}: {@code keys} (the default) only callers with a configured key, or
     * {@code none}, an API open to anyone who reaches the port, for a trusted network only.
     */
    @WithDefault("keys")
    ApiAuth auth();

    /**
     * API keys by till or store name, e.g. {@code scanforpay.api.keys."till7"=...} (env
     * {@code SCANFORPAY_API_KEYS_TILL7}); under {@code auth=keys} every request needs
     * {@code Authorization: Bearer <one of them>}. Never logged. (Optional values: an empty one is reported by
     * {@link #getKeySettingProblems()}, not dropped.)
     */
    Map<String, Optional<String>> keys();

    /**
     * The stores a key acts for, by key name, as comma-separated store numbers, e.g.
     * {@code scanforpay.api.stores."till7"=100010000000002}; a key without an entry acts for every store.
     */
    Map<String, Optional<String>> stores();

    /** Which keys may refund, by key name, e.g. {@code scanforpay.api.refunds."till7"=true}; absent: no refunds. */
    Map<String, Boolean> refunds();

    /**
     * Every problem of the key settings, one line each naming the setting (a stores or refunds entry for a key that
     * is not configured, an empty or short key, an empty store list); any stops start-up. Each line is reported as
     * it is: the constraint's message is the validated value.
     */
    default List<@Null(message = "${validatedValue}") String> getKeySettingProblems() {
        return ApiKeySettings.problems(this);
    }

    /** How {@code /payments} callers are authenticated. */
    enum ApiAuth {
        /** A configured key in {@code Authorization: Bearer <key>}; without any key configured, nobody. */
        KEYS,
        /** Nobody is asked: full access, refunds included, for whoever reaches the port. */
        NONE
    }
}
