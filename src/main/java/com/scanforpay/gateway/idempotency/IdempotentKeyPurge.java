package com.scanforpay.gateway.idempotency;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

/**
 * Deletes keys older than the retention, so the table stays as large as the retention window. Every instance
 * runs it; concurrent purges only delete the same rows once.
 */
@ApplicationScoped
public class IdempotentKeyPurge {

    private static final Logger LOG = Logger.getLogger(IdempotentKeyPurge.class);

    private final PostgresIdempotentRepository publishedResults;
    private final IdempotencyConfig config;

    IdempotentKeyPurge(@Named(IdempotencyBeans.PUBLISHED_RESULTS) PostgresIdempotentRepository publishedResults,
            IdempotencyConfig config) {
        this.publishedResults = publishedResults;
        this.config = config;
    }

    @Scheduled(identity = "idempotent-key-purge", every = "${scanforpay.idempotency.purge-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        try {
            int purged = publishedResults.purgeOlderThan(config.retention());
            if (purged > 0) {
                LOG.infof("Purged %d idempotent keys older than %s from %s", purged, config.retention(),
                        publishedResults.name());
            }
        } catch (IdempotentStoreException e) {
            // A database outage must not end the schedule; the next run catches up.
            LOG.warnf("Idempotent key purge skipped: %s (%s)", e.getMessage(), String.valueOf(e.getCause()));
        }
    }
}
