package com.scanforpay.gateway.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.testing.GatewayTestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.Test;

/** The application's wiring: migrated schema, the published-results repository, the scheduled purge. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class IdempotencyBeansTest {

    @Inject
    @Named(IdempotencyBeans.PUBLISHED_RESULTS)
    PostgresIdempotentRepository publishedResults;

    @Inject
    IdempotentKeyPurge purge;

    @Inject
    DataSource dataSource;

    @Inject
    CamelContext camel;

    @Test
    void publishedResultsRepositoryIsConfiguredAndVisibleToCamel() {
        assertEquals(IdempotencyBeans.PUBLISHED_RESULTS_REPOSITORY, publishedResults.name());
        assertEquals(Duration.ofSeconds(30), publishedResults.claimLease());
        IdempotentRepository fromCamel = camel.getRegistry()
                .lookupByNameAndType(IdempotencyBeans.PUBLISHED_RESULTS, IdempotentRepository.class);
        assertTrue(fromCamel instanceof PostgresIdempotentRepository, "idempotentRepository(\"publishedResults\")");
        assertEquals(publishedResults.name(), ((PostgresIdempotentRepository) fromCamel).name());
    }

    @Test
    void scheduledPurgeDeletesKeysOlderThanTheRetention() throws Exception {
        String old = "purge-" + UUID.randomUUID();
        String recent = "purge-" + UUID.randomUUID();
        assertTrue(publishedResults.add(old));
        assertTrue(publishedResults.confirm(old));
        assertTrue(publishedResults.add(recent));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("UPDATE idempotent_keys"
                        + " SET created_at = created_at - interval '31 days'"
                        + " WHERE repository_name = ? AND idempotency_key = ?")) {
            statement.setString(1, publishedResults.name());
            statement.setString(2, old);
            assertEquals(1, statement.executeUpdate());
        }

        purge.purge(); // what the scheduler runs every purge-interval (30 days retention by default)

        assertFalse(publishedResults.contains(old));
        assertEquals(KeyState.CLAIMED, publishedResults.state(recent));
        publishedResults.remove(recent);
    }
}
