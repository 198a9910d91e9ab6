package com.scanforpay.gateway.idempotency;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deletes keys older than the retention, so the table stays as large as the retention window. Every instance
 * runs it; concurrent purges only delete the same rows once.
 */
@ApplicationScoped
public class IdempotentKeyPurge {

    private static final Logger LOG = Logger.getLogger(IdempotentKeyPurge.class);

    private final List<PostgresIdempotentRepository> repositories;
    private final IdempotencyConfig config;

    IdempotentKeyPurge(@Named(IdempotencyBeans.PUBLISHED_RESULTS) PostgresIdempotentRepository publishedResults,
            @Named(IdempotencyBeans.DEAD_LETTERS) PostgresIdempotentRepository deadLetters,
            IdempotencyConfig config) {
        this.repositories = List.of(publishedResults, deadLetters);
        this.config = config;
    }

    @Scheduled(identity = "idempotent-key-purge", every = "${scanforpay.idempotency.purge-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        for (PostgresIdempotentRepository repository : repositories) {
            try {
                int purged = repository.purgeOlderThan(config.retention());
                if (purged > 0) {
                    LOG.infof("Purged %d idempotent keys older than %s from %s", purged, config.retention(),
                            repository.name());
                }
            } catch (IdempotentStoreException e) {
                // A database outage must not end the schedule; the next run catches up.
                LOG.warnf("Idempotent key purge of %s skipped: %s (%s)", repository.name(), e.getMessage(),
                        String.valueOf(e.getCause()));
            }
        }
    }
}
