package com.scanforpay.gateway.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

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
     * API keys by till or store name, e.g. {@code scanforpay.api.keys."till-7"=...}. Empty (the default): no
     * authentication. Otherwise every {@code /payments} request needs {@code Authorization: Bearer <one of them>}.
     * Never logged.
     */
    Map<String, String> keys();
}
