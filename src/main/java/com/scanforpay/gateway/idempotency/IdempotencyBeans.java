package com.scanforpay.gateway.idempotency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** The durable idempotent repositories, on the application's PostgreSQL datasource (Agroal pool). */
@Singleton
public class IdempotencyBeans {

    /** Bean name (also for Camel's {@code idempotentRepository} lookups) of the published-results repository. */
    public static final String PUBLISHED_RESULTS = "publishedResults";
    /** Repository name in the table: keeps these keys apart from any other repository's. */
    public static final String PUBLISHED_RESULTS_REPOSITORY = "published-results";

    /** Bean name of the dead-letters repository. */
    public static final String DEAD_LETTERS = "deadLetters";
    /** Repository name in the table of the dead letters written, by the command record's place. */
    public static final String DEAD_LETTERS_REPOSITORY = "dead-letters";

    /** Results already published (e.g. from a notification), so a repeat is recognised on any instance. */
    @Produces
    @ApplicationScoped
    @Named(PUBLISHED_RESULTS)
    PostgresIdempotentRepository publishedResults(DataSource dataSource, IdempotencyConfig config) {
        return new PostgresIdempotentRepository(dataSource, PUBLISHED_RESULTS_REPOSITORY, config.claimLease());
    }

    /** Command records already dead-lettered, so a batch delivered again does not dead-letter them twice. */
    @Produces
    @ApplicationScoped
    @Named(DEAD_LETTERS)
    PostgresIdempotentRepository deadLetters(DataSource dataSource, IdempotencyConfig config) {
        return new PostgresIdempotentRepository(dataSource, DEAD_LETTERS_REPOSITORY, config.claimLease());
    }
}
