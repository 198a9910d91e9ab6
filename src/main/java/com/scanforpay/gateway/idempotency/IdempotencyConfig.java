package com.scanforpay.gateway.idempotency;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Settings of the durable idempotent stores, e.g. {@code SCANFORPAY_IDEMPOTENCY_RETENTION}. The database itself is
 * {@code QUARKUS_DATASOURCE_JDBC_URL} / {@code _USERNAME} / {@code _PASSWORD} (docs/contract.md §1).
 */
@ConfigMapping(prefix = "scanforpay.idempotency")
public interface IdempotencyConfig {

    /**
     * How long a key is remembered. A repeat arriving later (ScanForPay retries notifications for far less) would
     * be processed again.
     */
    @WithDefault("30d")
    Duration retention();

    /** How often keys older than the retention are deleted. */
    @WithDefault("1h")
    Duration purgeInterval();

    /**
     * How long a claim holds before it counts as abandoned by a crashed claimer and may be taken over. Longer than
     * the longest a publish can take (blocked up to {@code scanforpay.publish-timeout} for metadata, then as long
     * again for delivery: 2 × 10 s), so a live publisher is never overtaken; short, because a result claimed by a
     * dead instance waits this long.
     */
    @WithDefault("30s")
    Duration claimLease();
}
