package com.scanforpay.gateway.idempotency;

import com.scanforpay.gateway.batching.BatchedCalls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

/**
 * A Camel {@link IdempotentRepository} in PostgreSQL (table {@code idempotent_keys}, migration V1), shared by every
 * gateway instance on the same database, so a key is processed once across instances and restarts.
 * <p>
 * A key is first CLAIMED ({@link #add}), then DONE ({@link #confirm}) or released again ({@link #remove}) when the
 * work failed; Camel's idempotent consumer claims for its exchange, which alone releases that claim (migration V5). A claim older than the lease counts as abandoned (its claimer crashed before confirming) and can be
 * claimed again; the lease must therefore be longer than the work itself can take (the Kafka producer's delivery
 * timeout), so that a live claimer is never overtaken.
 * <p>
 * Every operation is one statement in auto-commit, and all times come from the database's {@code now()}, so
 * instances with skewed clocks agree. Claims and confirmations made at the same time (by concurrent publishing
 * threads) go in one statement ({@link BatchedCalls}), each answered as if it had run alone. Plain JDBC; any failure
 * is an {@link IdempotentStoreException}.
 */
public class PostgresIdempotentRepository implements IdempotentRepository {

    /** Longest key the table holds ({@code varchar(512)}). */
    public static final int MAX_KEY_LENGTH = 512;
    /** Longest repository name the table holds ({@code varchar(64)}). */
    public static final int MAX_NAME_LENGTH = 64;
    // Claims new keys, or takes over claims older than the lease, many in one statement. A fresh claim or a DONE
    // key is left as it is: ON CONFLICT ... WHERE then changes no row and returns none. Concurrent claimers of one
    // key are serialised by the primary key (the loser waits for the winner's commit and then sees its fresh
    // claim); keys go in order, so two statements never wait for each other in a circle. No key twice.
    private static final String CLAIM = """
            INSERT INTO idempotent_keys AS k (repository_name, idempotency_key, state, claimed_at, created_at,
                claimed_by)
            SELECT ?, c.idempotency_key, 'CLAIMED', now(), now(), c.claimed_by
            FROM unnest(CAST(? AS varchar[]), CAST(? AS varchar[])) AS c(idempotency_key, claimed_by)
            ORDER BY c.idempotency_key
            ON CONFLICT (repository_name, idempotency_key) DO UPDATE SET claimed_at = now(),
                claimed_by = EXCLUDED.claimed_by
            WHERE k.state = 'CLAIMED' AND k.claimed_at < now() - ? * interval '1 millisecond'
            RETURNING k.idempotency_key""";

    // Marks keys done, many in one statement. An upsert on purpose: the work has been done, so the key must end up
    // DONE even if its claim row is gone (purged, or removed by a claimer that failed after the lease ran out).
    private static final String CONFIRM = """
            INSERT INTO idempotent_keys AS k (repository_name, idempotency_key, state, claimed_at, created_at)
            SELECT ?, c.idempotency_key, 'DONE', now(), now()
            FROM unnest(CAST(? AS varchar[])) AS c(idempotency_key)
            ORDER BY c.idempotency_key
            ON CONFLICT (repository_name, idempotency_key) DO UPDATE SET state = 'DONE'
            WHERE k.state = 'CLAIMED'
            RETURNING k.idempotency_key""";

    // Releases a claim after failed work so the key can be tried again; a DONE key is never released, whatever a
    // failing duplicate does.
    private static final String RELEASE = """
            DELETE FROM idempotent_keys
            WHERE repository_name = ? AND idempotency_key = ? AND state = 'CLAIMED'""";

    // Releases the caller's own claim only: one taken over meanwhile (the caller stalled past the lease) stays.
    private static final String RELEASE_OWN = RELEASE + " AND claimed_by = ?";

    private static final String STATE = """
            SELECT state FROM idempotent_keys WHERE repository_name = ? AND idempotency_key = ?""";

    private static final String CLEAR = "DELETE FROM idempotent_keys WHERE repository_name = ?";

    // Which of many keys are known, in one statement (a batch's records at once).
    private static final String PRESENT = """
            SELECT idempotency_key FROM idempotent_keys WHERE repository_name = ? AND idempotency_key = ANY(?)""";

    // Keys of any state older than the retention: a claim that old was abandoned long ago.
    private static final String PURGE = """
            DELETE FROM idempotent_keys
            WHERE repository_name = ? AND created_at < now() - ? * interval '1 millisecond'""";

    private final DataSource dataSource;
    private final String name;
    private final Duration claimLease;
    private final BatchedCalls<KeyClaim, Boolean> claims;
    private final BatchedCalls<String, Boolean> confirmations;

    /**
     * @param dataSource the PostgreSQL database holding the migrated {@code idempotent_keys} table
     * @param name       the repository's name: keys of different repositories never meet
     * @param claimLease how long a claim holds before it counts as abandoned; not negative
     */
    public PostgresIdempotentRepository(DataSource dataSource, String name, Duration claimLease) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.name = Objects.requireNonNull(name, "name");
        this.claimLease = Objects.requireNonNull(claimLease, "claimLease");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("repository name must have 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (claimLease.isNegative()) {
            throw new IllegalArgumentException("claim lease must not be negative");
        }
        this.claims = BatchedCalls.ofStatements(name + " claims", this::claim);
        this.confirmations = BatchedCalls.ofStatements(name + " confirmations", this::confirm);
    }

    public String name() {
        return name;
    }

    public Duration claimLease() {
        return claimLease;
    }

    /**
     * Claims the key: true if it was new, or its claim was abandoned (older than the lease) and is now ours; false
     * if someone else holds a fresh claim or the key is DONE.
     */
    @Override
    public boolean add(String key) {
        return claim(key, null);
    }

    /** As {@link #add(String)}, the claim held by {@code exchange}: only it releases the claim again. */
    @Override
    public boolean add(Exchange exchange, String key) {
        return claim(key, exchange.getExchangeId());
    }

    private boolean claim(String key, String owner) {
        checkKey(key);
        try {
            return claims.call(new KeyClaim(key, owner));
        } catch (CompletionException e) {
            throw new IdempotentStoreException("could not claim idempotent key '" + key + "' in " + name, e.getCause());
        }
    }

    /** A key to claim, and who claims it (null: nobody in particular, so anybody may release it). */
    public record KeyClaim(String key, String owner) {
    }

    /**
     * Claims many keys in one statement, each as {@link #add} would, in this order: whether each was claimed. A key
     * given twice is claimed at most once, by its first claim.
     */
    public List<Boolean> claim(List<KeyClaim> claims) {
        claims.forEach(claim -> checkKey(claim.key()));
        Map<String, KeyClaim> first = new LinkedHashMap<>();
        claims.forEach(claim -> first.putIfAbsent(claim.key(), claim));
        Set<String> claimed = keys("claim", first.keySet(), CLAIM, (connection, statement) -> {
            statement.setArray(3, connection.createArrayOf("varchar",
                    first.values().stream().map(KeyClaim::owner).toArray()));
            statement.setLong(4, claimLease.toMillis());
        });
        return claims.stream().map(claim -> first.get(claim.key()) == claim && claimed.contains(claim.key()))
                .toList();
    }

    /** Marks the key DONE: true if this changed it (it was claimed, or absent), false if it was DONE already. */
    @Override
    public boolean confirm(String key) {
        checkKey(key);
        try {
            return confirmations.call(key);
        } catch (CompletionException e) {
            throw new IdempotentStoreException("could not confirm idempotent key '" + key + "' in " + name,
                    e.getCause());
        }
    }

    /** Confirms many keys in one statement, each as {@link #confirm(String)} would, in this order. */
    public List<Boolean> confirm(List<String> keys) {
        keys.forEach(PostgresIdempotentRepository::checkKey);
        Set<String> distinct = new LinkedHashSet<>(keys);
        Set<String> changed = keys("confirm", distinct, CONFIRM, (connection, statement) -> { });
        Set<String> answered = new HashSet<>();
        // a key given twice is changed by its first confirmation only
        return keys.stream().map(key -> answered.add(key) && changed.contains(key)).toList();
    }

    /** Runs a statement on many keys (parameters 1: name, 2: keys, then {@code extra}): the keys it returned. */
    private Set<String> keys(String action, Set<String> keys, String sql, ArrayParameters extra) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            statement.setArray(2, connection.createArrayOf("varchar", keys.toArray()));
            extra.set(connection, statement);
            Set<String> returned = new HashSet<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    returned.add(row.getString(1));
                }
            }
            return returned;
        } catch (SQLException e) {
            throw keys.size() == 1 ? failure(action, keys.iterator().next(), e)
                    : new IdempotentStoreException("could not " + action + " " + keys.size() + " idempotent keys in "
                            + name, e);
        }
    }

    /** Releases a claim so the key can be processed again: true if a CLAIMED key was deleted; DONE keys stay. */
    @Override
    public boolean remove(String key) {
        checkKey(key);
        return update("release", key, RELEASE, statement -> { }) > 0;
    }

    /**
     * Releases the claim {@code exchange} holds (its work failed): true if it was deleted; false if the key is DONE
     * or its claim is someone else's now (taken over after the lease), which then stays.
     */
    @Override
    public boolean remove(Exchange exchange, String key) {
        checkKey(key);
        return update("release", key, RELEASE_OWN, statement -> statement.setString(3, exchange.getExchangeId())) > 0;
    }

    /** Whether the key is known, CLAIMED or DONE. */
    @Override
    public boolean contains(String key) {
        return state(key) != KeyState.ABSENT;
    }

    /** True only for a confirmed key: a recognised repeat (as opposed to work in progress elsewhere). */
    public boolean isDone(String key) {
        return state(key) == KeyState.DONE;
    }

    /** The key's state: ABSENT, CLAIMED (someone is processing it, or crashed doing so) or DONE. */
    public KeyState state(String key) {
        checkKey(key);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(STATE)) {
            statement.setString(1, name);
            statement.setString(2, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? KeyState.valueOf(row.getString(1)) : KeyState.ABSENT;
            }
        } catch (SQLException e) {
            throw failure("read", key, e);
        }
    }

    /** Deletes every key of this repository (other repositories' keys stay). */
    @Override
    public void clear() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(CLEAR)) {
            statement.setString(1, name);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IdempotentStoreException("could not clear idempotent repository " + name, e);
        }
    }

    /**
     * Deletes this repository's keys created longer than {@code retention} ago, DONE or CLAIMED.
     *
     * @return how many keys were deleted
     */
    public int purgeOlderThan(Duration retention) {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative");
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(PURGE)) {
            statement.setString(1, name);
            statement.setLong(2, retention.toMillis());
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IdempotentStoreException("could not purge idempotent repository " + name, e);
        }
    }

    /** Which of {@code keys} are claimed or done: work on them has begun, here or elsewhere. */
    public Set<String> present(Collection<String> keys) {
        return keys.isEmpty() ? Set.of()
                : keys("read", new LinkedHashSet<>(keys), PRESENT, (connection, statement) -> { });
    }

    /** Nothing to start: every call borrows a connection from the pool. */
    @Override
    public void start() {
    }

    /** Nothing to stop: the pool belongs to the application. */
    @Override
    public void stop() {
    }

    @Override
    public String toString() {
        return "PostgresIdempotentRepository(" + name + ", lease " + claimLease + ")";
    }

    private int update(String action, String key, String sql, Parameters extra) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            statement.setString(2, key);
            extra.set(statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure(action, key, e);
        }
    }

    private IdempotentStoreException failure(String action, String key, SQLException e) {
        return new IdempotentStoreException("could not " + action + " idempotent key '" + key + "' in " + name, e);
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("idempotent key must have 1 to " + MAX_KEY_LENGTH + " characters");
        }
    }

    @FunctionalInterface
    private interface ArrayParameters {
        void set(Connection connection, PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }
}
