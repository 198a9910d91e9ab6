package com.scanforpay.gateway.idempotency;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository.KeyClaim;
import com.scanforpay.gateway.devstack.LocalPostgres;
import com.scanforpay.gateway.testing.GatewayTestStack;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.jboss.logmanager.LogContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The claim/confirm/release semantics against a real PostgreSQL (the test JVM's shared server), migrated by the
 * application's own Flyway scripts. Each test uses its own repository name, so tests never see each other's keys.
 */
class PostgresIdempotentRepositoryTest {

    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final CamelContext CAMEL = new DefaultCamelContext();

    // Flyway logs every connection's full JDBC URL at INFO; the test output needs none of it. Strong reference:
    // the log manager keeps loggers weakly.
    private static final java.util.logging.Logger FLYWAY_LOG = LogContext.getLogContext().getLogger("org.flywaydb");

    private static DataSource dataSource;

    @BeforeAll
    static void migrate() {
        FLYWAY_LOG.setLevel(Level.WARNING);
        dataSource = dataSource(GatewayTestStack.postgres());
        migrate(dataSource);
    }

    @Test
    void firstClaimWinsAndARepeatIsRefused() {
        PostgresIdempotentRepository repository = newRepository(LEASE);

        assertTrue(repository.add("p-0001|PAY|SUCCESS"));
        assertFalse(repository.add("p-0001|PAY|SUCCESS"), "a fresh claim belongs to its claimer");
        assertEquals(KeyState.CLAIMED, repository.state("p-0001|PAY|SUCCESS"));
        assertTrue(repository.add("p-0002|PAY|SUCCESS"), "other keys are independent");
    }

    @Test
    void confirmedKeyIsNeverClaimedAgainWhateverTheLease() {
        PostgresIdempotentRepository noLease = newRepository(Duration.ZERO);
        String order = "p-0003|PAY|SUCCESS";

        assertTrue(noLease.add(order));
        assertTrue(noLease.confirm(order));
        assertFalse(noLease.add(order), "DONE is final, even with a zero lease");
        assertTrue(noLease.isDone(order));
        assertEquals(KeyState.DONE, noLease.state(order));
        assertFalse(noLease.confirm(order), "confirming twice changes nothing");

        PostgresIdempotentRepository leased = newRepository(LEASE);
        assertTrue(leased.add(order));
        assertTrue(leased.confirm(order));
        backdateClaim(leased, order, LEASE.multipliedBy(10));
        assertFalse(leased.add(order), "DONE is final, even long after its claim");
    }

    @Test
    void manyClaimsAndConfirmationsInOneStatementAreEachAnsweredAsAlone() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        repository.add("held");
        repository.add("stale");
        backdateClaim(repository, "stale", LEASE.multipliedBy(2));
        repository.confirm("done");

        List<Boolean> claimed = repository.claim(List.of(new KeyClaim("new", "exchange-1"), new KeyClaim("held", "x"),
                new KeyClaim("stale", "exchange-2"), new KeyClaim("done", "x"), new KeyClaim("new", "exchange-3"),
                new KeyClaim("other", null)));

        assertEquals(List.of(true, false, true, false, false, true), claimed,
                "new: claimed; a fresh claim: not; an abandoned one: taken over; DONE: never; a key twice: once");
        Exchange first = exchangeWithId("exchange-1");
        assertFalse(repository.remove(exchangeWithId("exchange-3"), "new"), "claimed by its first claim only");
        assertTrue(repository.remove(first, "new"));
        assertTrue(repository.remove(exchangeWithId("exchange-2"), "stale"), "the takeover holds it now");

        assertEquals(List.of(true, false, true, false), repository.confirm(List.of("held", "done", "fresh", "held")),
                "claimed or absent: changed; DONE already: not; a key twice: changed once");
        assertTrue(repository.isDone("held"));
        assertTrue(repository.isDone("fresh"));
        assertEquals(KeyState.CLAIMED, repository.state("other"));
    }

    @Test
    void staleClaimIsTakenOverAndFreshOneIsNot() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        String order = "p-0004|PAY|SUCCESS";

        assertTrue(repository.add(order));
        backdateClaim(repository, order, LEASE.minusSeconds(30));
        assertFalse(repository.add(order), "a claim younger than the lease is live");

        backdateClaim(repository, order, Duration.ofMinutes(1)); // now 2.5 minutes old
        assertTrue(repository.add(order), "a claim older than the lease was abandoned by a crashed claimer");
        assertFalse(repository.add(order), "the takeover renewed the claim");
        assertEquals(KeyState.CLAIMED, repository.state(order));
    }

    @Test
    void claimWithATinyLeaseExpiresByItself() {
        PostgresIdempotentRepository repository = newRepository(Duration.ofMillis(1));
        String order = "p-0005|PAY|SUCCESS";

        assertTrue(repository.add(order));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> repository.add(order));
        assertEquals(KeyState.CLAIMED, repository.state(order));
    }

    @Test
    void removeReleasesAClaimButNeverADoneKey() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        String order = "p-0006|PAY|SUCCESS";

        assertTrue(repository.add(order));
        assertTrue(repository.remove(order), "a failed claimer releases its claim");
        assertEquals(KeyState.ABSENT, repository.state(order));
        assertTrue(repository.add(order), "the key can be processed again");

        assertTrue(repository.confirm(order));
        assertFalse(repository.remove(order), "a failing duplicate never removes a DONE key");
        assertEquals(KeyState.DONE, repository.state(order));
        assertFalse(repository.remove("p-0007|PAY|SUCCESS"), "nothing to remove");
    }

    @Test
    void anOvertakenClaimerCannotReleaseTheClaimThatTookItsPlace() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        String order = "p-0008|PAY|SUCCESS";
        Exchange stalled = new DefaultExchange(CAMEL);
        Exchange takeover = new DefaultExchange(CAMEL);

        assertTrue(repository.add(stalled, order));
        backdateClaim(repository, order, LEASE.plusMinutes(1)); // it stalled past the lease
        assertTrue(repository.add(takeover, order), "taken over");

        assertFalse(repository.remove(stalled, order), "the late failure of the overtaken claimer");
        assertEquals(KeyState.CLAIMED, repository.state(order), "the new claim stays");
        assertFalse(repository.add(new DefaultExchange(CAMEL), order), "and still keeps a third claimer out");

        assertTrue(repository.remove(takeover, order), "its holder releases it");
        assertEquals(KeyState.ABSENT, repository.state(order));
    }

    @Test
    void confirmRecordsTheKeyEvenWithoutAClaimRow() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        String order = "p-0008|PAY|SUCCESS";

        assertTrue(repository.confirm(order), "the work was done: the key must end up DONE");
        assertTrue(repository.isDone(order));
        assertFalse(repository.add(order));
    }

    @Test
    void containsAndStateTellAbsentClaimedAndDone() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        String order = "p-0009|PAY|SUCCESS";

        assertFalse(repository.contains(order));
        assertEquals(KeyState.ABSENT, repository.state(order));
        assertFalse(repository.isDone(order));

        repository.add(order);
        assertTrue(repository.contains(order));
        assertFalse(repository.isDone(order), "claimed: someone is processing it right now");

        repository.confirm(order);
        assertTrue(repository.contains(order));
        assertTrue(repository.isDone(order), "done: a recognised repeat");
    }

    @Test
    void clearDeletesOnlyThisRepositorysKeys() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        PostgresIdempotentRepository other = newRepository(LEASE);
        String order = "p-0010|PAY|SUCCESS";
        repository.add(order);
        repository.add("p-0011|PAY|FAILED");
        repository.confirm("p-0011|PAY|FAILED");
        other.add(order);

        repository.clear();

        assertFalse(repository.contains(order));
        assertFalse(repository.contains("p-0011|PAY|FAILED"));
        assertTrue(other.contains(order), "same key, other repository: untouched");
    }

    @Test
    void purgeDeletesOnlyKeysOlderThanTheRetention() {
        PostgresIdempotentRepository repository = newRepository(LEASE);
        PostgresIdempotentRepository other = newRepository(LEASE);
        Duration retention = Duration.ofDays(30);
        for (String key : List.of("old-done", "old-claimed", "new-done", "new-claimed")) {
            repository.add(key);
            if (key.endsWith("done")) {
                repository.confirm(key);
            }
        }
        other.add("old-done");
        other.confirm("old-done");
        backdateCreation(repository, "old-done", retention.plusMinutes(1));
        backdateCreation(repository, "old-claimed", retention.plusDays(5));
        backdateCreation(repository, "new-done", retention.minusMinutes(1));
        backdateCreation(other, "old-done", retention.plusDays(1));

        assertEquals(2, repository.purgeOlderThan(retention));

        assertFalse(repository.contains("old-done"));
        assertFalse(repository.contains("old-claimed"));
        assertTrue(repository.isDone("new-done"));
        assertEquals(KeyState.CLAIMED, repository.state("new-claimed"));
        assertTrue(other.isDone("old-done"), "another repository's keys are its own purge's business");
        assertEquals(0, repository.purgeOlderThan(retention));
    }

    @Test
    void concurrentClaimsFromTwoInstancesHaveExactlyOneWinner() throws Exception {
        // two gateway instances: separate pools (here: separate data sources), one database
        String name = uniqueName();
        PostgresIdempotentRepository first = new PostgresIdempotentRepository(
                dataSource(GatewayTestStack.postgres()), name, LEASE);
        PostgresIdempotentRepository second = new PostgresIdempotentRepository(
                dataSource(GatewayTestStack.postgres()), name, LEASE);
        String order = "p-0012|PAY|SUCCESS";
        int threads = 50;

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                PostgresIdempotentRepository instance = i % 2 == 0 ? first : second;
                claims.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return instance.add(order);
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            go.countDown();
            int winners = 0;
            for (Future<Boolean> claim : claims) {
                winners += claim.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners, "exactly one claimer across both instances");
            assertEquals(KeyState.CLAIMED, second.state(order));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysSurviveAPostgresRestart() throws Exception {
        // its own server: stopping the shared one would disturb the other tests
        LocalPostgres postgres = LocalPostgres.start(Files.createTempDirectory("scanforpay-restart-postgres"), 0);
        try {
            DataSource restartable = dataSource(postgres);
            migrate(restartable);
            PostgresIdempotentRepository repository =
                    new PostgresIdempotentRepository(restartable, uniqueName(), LEASE);
            repository.add("p-0013|PAY|SUCCESS");
            repository.confirm("p-0013|PAY|SUCCESS");
            repository.add("p-0014|PAY|SUCCESS");

            postgres.stop();
            IdempotentStoreException down = assertThrows(IdempotentStoreException.class,
                    () -> repository.add("p-0015|PAY|SUCCESS"));
            assertEquals("could not claim idempotent key 'p-0015|PAY|SUCCESS' in " + repository.name(),
                    down.getMessage());

            postgres.start();
            assertTrue(repository.isDone("p-0013|PAY|SUCCESS"));
            assertFalse(repository.add("p-0013|PAY|SUCCESS"));
            assertEquals(KeyState.CLAIMED, repository.state("p-0014|PAY|SUCCESS"));
            assertFalse(repository.add("p-0014|PAY|SUCCESS"), "the claim's age survives too");
            migrate(restartable); // already migrated: nothing to do
        } finally {
            postgres.destroy();
        }
    }

    @Test
    void rejectsKeysTheTableCannotHold() {
        PostgresIdempotentRepository repository = newRepository(LEASE);

        assertThrows(IllegalArgumentException.class, () -> repository.add(null));
        assertThrows(IllegalArgumentException.class, () -> repository.add(""));
        assertThrows(IllegalArgumentException.class,
                () -> repository.add("k".repeat(PostgresIdempotentRepository.MAX_KEY_LENGTH + 1)));
        assertTrue(repository.add("k".repeat(PostgresIdempotentRepository.MAX_KEY_LENGTH)));
    }

    private static Exchange exchangeWithId(String id) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.setExchangeId(id);
        return exchange;
    }

    private static PostgresIdempotentRepository newRepository(Duration lease) {
        return new PostgresIdempotentRepository(dataSource, uniqueName(), lease);
    }

    private static String uniqueName() {
        return "test-" + UUID.randomUUID();
    }

    private static DataSource dataSource(LocalPostgres postgres) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(postgres.jdbcUrl());
        source.setUser(postgres.username());
        source.setPassword(postgres.password());
        return source;
    }

    private static void migrate(DataSource target) {
        Flyway.configure().dataSource(target).load().migrate();
    }

    /** Makes the key's claim older by {@code age}, as if it had been claimed that long ago. */
    private static void backdateClaim(PostgresIdempotentRepository repository, String key, Duration age) {
        shift("claimed_at", repository, key, age);
    }

    /** Makes the key older by {@code age}, as if it had been created that long ago. */
    private static void backdateCreation(PostgresIdempotentRepository repository, String key, Duration age) {
        shift("created_at", repository, key, age);
    }

    private static void shift(String column, PostgresIdempotentRepository repository, String key, Duration age) {
        String sql = "UPDATE idempotent_keys SET " + column + " = " + column + " - ? * interval '1 millisecond'"
                + " WHERE repository_name = ? AND idempotency_key = ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, age.toMillis());
            statement.setString(2, repository.name());
            statement.setString(3, key);
            assertEquals(1, statement.executeUpdate(), "key to backdate exists");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
