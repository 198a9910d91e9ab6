package com.scanforpay.gateway.ledger;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.devstack.LocalPostgres;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jboss.logmanager.LogContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What {@link PaymentLedgerTest} and {@link RefundLedgerTest} share: the test JVM's PostgreSQL, migrated once by the
 * application's own Flyway scripts, a payment ledger on it, new order numbers, admitted payments, and tasks run on
 * threads released at once. Public for the decision tests of other packages (they build on the same database).
 */
public final class LedgerFixture {

    public static final String BARCODE = "284447106610060508";
    public static final String PAY_COMMAND = "{\"type\":\"PAY\"}";
    public static final String STORE = "100010000000002";
    public static final String PARTNER = "10001";
    public static final Duration FIRST_CHECK = Duration.ofHours(1);
    public static final Duration DEADLINE = Duration.ofSeconds(60);
    public static final Duration SWEEP = Duration.ofHours(24);

    // Flyway logs every connection's full JDBC URL at INFO. Strong reference: the log manager keeps loggers weakly.
    private static final java.util.logging.Logger FLYWAY_LOG = LogContext.getLogContext().getLogger("org.flywaydb");

    private static DataSource database;
    private static PaymentLedger ledger;

    private LedgerFixture() {
    }

    /** The test JVM's PostgreSQL, migrated on first use. */
    public static synchronized DataSource database() {
        if (database == null) {
            FLYWAY_LOG.setLevel(Level.WARNING);
            DataSource source = dataSource(GatewayTestStack.postgres().jdbcUrl());
            Flyway.configure().dataSource(source).load().migrate();
            ledger = new PaymentLedger(source);
            database = source;
        }
        return database;
    }

    /** The payment ledger on {@link #database()}. */
    public static synchronized PaymentLedger ledger() {
        database();
        return ledger;
    }

    public static LedgerEntry admit(String order, int amount) {
        return assertInstanceOf(Admission.Admitted.class,
                ledger().admitPayment(order, STORE, PARTNER, amount, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND)).entry();
    }

    /** 32 characters, unique per call. */
    public static String orderNo() {
        return OrderNumbers.longest("p");
    }

    /** Runs {@code task} on {@code threads} threads released at once; the results in thread order. */
    static <T> List<T> concurrently(int threads, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static DataSource dataSource(String url) {
        LocalPostgres postgres = GatewayTestStack.postgres();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(url);
        source.setUser(postgres.username());
        source.setPassword(postgres.password());
        return source;
    }

    @FunctionalInterface
    interface IndexedTask<T> {
        T run(int index) throws Exception;
    }
}
