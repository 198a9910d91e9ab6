package com.scanforpay.gateway.ledger;

import static com.scanforpay.gateway.ledger.LedgerFixture.BARCODE;
import static com.scanforpay.gateway.ledger.LedgerFixture.DEADLINE;
import static com.scanforpay.gateway.ledger.LedgerFixture.FIRST_CHECK;
import static com.scanforpay.gateway.ledger.LedgerFixture.PARTNER;
import static com.scanforpay.gateway.ledger.LedgerFixture.PAY_COMMAND;
import static com.scanforpay.gateway.ledger.LedgerFixture.STORE;
import static com.scanforpay.gateway.ledger.LedgerFixture.SWEEP;
import static com.scanforpay.gateway.ledger.LedgerFixture.admit;
import static com.scanforpay.gateway.ledger.LedgerFixture.concurrently;
import static com.scanforpay.gateway.ledger.LedgerFixture.dataSource;
import static com.scanforpay.gateway.ledger.LedgerFixture.orderNo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payments' semantics against a real PostgreSQL (the test JVM's shared server, {@link LedgerFixture}), migrated
 * by the application's own Flyway scripts. Every test uses its own order numbers; rows of other tests are never due
 * (their first check is an hour away), so claims see only what a test made due. The refunds are
 * {@link RefundLedgerTest}'s.
 */
class PaymentLedgerTest {

    private static final String BARCODE_SHA256 = "ad004809b56f3e8046d6d0486f2c5e2d19c33a1ad90cf1c33b674d02e2c8a00a";
    private static final Duration LEASE = Duration.ofMinutes(1);
    /** Far enough back that a test's due rows come before any other due row. */
    private static final Duration LONG_AGO = Duration.ofDays(3650);

    private static DataSource dataSource;
    private static PaymentLedger ledger;

    @BeforeAll
    static void migrate() {
        dataSource = LedgerFixture.database();
        ledger = LedgerFixture.ledger();
    }

    @Test
    void newOrderIsAdmittedAsPayingAndARepeatIsExisting() {
        String order = orderNo();

        Admission first = ledger.admitPayment(order, STORE, PARTNER, 2100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);

        LedgerEntry entry = assertInstanceOf(Admission.Admitted.class, first).entry();
        assertEquals(order, entry.partnerOrderNo());
        assertEquals(STORE, entry.storeNo());
        assertEquals(PARTNER, entry.partnerNo(), "the account it is sent through");
        assertEquals(2100, entry.orderAmount());
        assertEquals(BARCODE_SHA256, entry.barcodeFingerprint(), "SHA-256 hex, never the barcode itself");
        assertEquals(PaymentState.PAYING, entry.state());
        assertEquals(1, entry.payAttempts());
        assertEquals(0, entry.queries());
        assertNull(entry.providerOrderNo());
        assertNull(entry.lastReason());
        assertNull(entry.finalResult());
        assertEquals(0, entry.refundedAmount());
        assertNotNull(entry.createdAt());
        assertEquals(entry.createdAt().plus(FIRST_CHECK), entry.nextCheckAt(), "all from one now()");
        assertEquals(entry.createdAt().plus(DEADLINE), entry.deadlineAt());
        assertEquals(entry.createdAt().plus(SWEEP), entry.sweepUntil());
        assertEquals(entry.createdAt(), entry.readAt(), "read in the same statement");

        Admission repeat = ledger.admitPayment(order, STORE, PARTNER, 2100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);
        LedgerEntry again = assertInstanceOf(Admission.Existing.class, repeat).entry();
        assertEquals(row(entry), row(again), "unchanged by the repeat");
        assertTrue(again.readAt().isAfter(entry.readAt()), "read again later, on the database's clock");
        assertEquals(row(entry), row(ledger.find(order).orElseThrow()));
        assertTrue(ledger.find(orderNo()).isEmpty());
    }

    @Test
    void manyPaymentsAreAdmittedInOneStatementEachAsAloneInTheirOrder() {
        String known = orderNo();
        String taken = orderNo();
        admit(known, 2100);
        admit(taken, 2100);
        String fresh = orderNo();
        String twice = orderNo();
        String other = orderNo();

        List<Admission> admissions = ledger.admitPayments(List.of(
                payment(fresh, 500), payment(known, 2100), payment(twice, 700), payment(taken, 9999),
                payment(twice, 900), payment(twice, 700), payment(other, 800)));

        assertEquals(7, admissions.size(), "one admission per payment, in their order");
        assertEquals(fresh, assertInstanceOf(Admission.Admitted.class, admissions.get(0)).entry().partnerOrderNo());
        assertEquals(500, ((Admission.Admitted) admissions.get(0)).entry().orderAmount());
        assertEquals(known, assertInstanceOf(Admission.Existing.class, admissions.get(1)).entry().partnerOrderNo());
        assertEquals(twice, assertInstanceOf(Admission.Admitted.class, admissions.get(2)).entry().partnerOrderNo());
        assertEquals("orderAmount", assertInstanceOf(Admission.Conflict.class, admissions.get(3)).field());
        assertEquals("orderAmount", assertInstanceOf(Admission.Conflict.class, admissions.get(4)).field(),
                "a number given again with another amount: the first one's payment is the one admitted");
        assertEquals(twice, assertInstanceOf(Admission.Existing.class, admissions.get(5)).entry().partnerOrderNo(),
                "a number given twice is admitted once");
        assertEquals(700, ledger.find(twice).orElseThrow().orderAmount());
        LedgerEntry last = assertInstanceOf(Admission.Admitted.class, admissions.get(6)).entry();
        assertEquals(other, last.partnerOrderNo());
        assertEquals(PaymentState.PAYING, last.state());
        assertEquals(BARCODE_SHA256, last.barcodeFingerprint());
        assertEquals(last.createdAt().plus(FIRST_CHECK), last.nextCheckAt());
        assertEquals(last.createdAt().plus(DEADLINE), last.deadlineAt());
        assertEquals(last.createdAt().plus(SWEEP), last.sweepUntil());
        assertEquals(Optional.of(PAY_COMMAND), ledger.payCommand(other));
        assertEquals(1, ledger.find(twice).orElseThrow().payAttempts());
    }

    @Test
    void aBatchThatFailsAdmitsNone() {
        String fine = orderNo();
        // a store number longer than the column (the parser never lets one through): the statement fails
        LedgerException failure = assertThrows(LedgerException.class, () -> ledger.admitPayments(List.of(
                payment(fine, 500), new NewPayment(orderNo(), "1".repeat(40), PARTNER, 500, BARCODE, FIRST_CHECK,
                        DEADLINE, SWEEP, PAY_COMMAND))));

        assertEquals("could not admit 2 payments", failure.getMessage());
        assertTrue(ledger.find(fine).isEmpty(), "all or nothing");
    }

    private static NewPayment payment(String order, int amount) {
        return new NewPayment(order, STORE, PARTNER, amount, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);
    }

    @Test
    void storeNoMayBeAbsent() {
        Admission admission = ledger.admitPayment(orderNo(), null, PARTNER, 100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);

        assertNull(assertInstanceOf(Admission.Admitted.class, admission).entry().storeNo());
    }

    @Test
    void sameOrderWithAnotherAmountIsAConflict() {
        String order = orderNo();
        admit(order, 2100);

        Admission again = ledger.admitPayment(order, STORE, PARTNER, 2200, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);

        Admission.Conflict conflict = assertInstanceOf(Admission.Conflict.class, again);
        assertEquals("orderAmount", conflict.field());
        assertEquals("partnerOrderNo " + order + " is already used by a payment of 2100, not 2200",
                conflict.message());
        assertEquals(2100, ledger.find(order).orElseThrow().orderAmount());
    }

    @Test
    void sameOrderWithAnotherBarcodeIsAConflictThatNeverNamesTheBarcode() {
        String order = orderNo();
        admit(order, 2100);
        String otherBarcode = "134000000000000002";

        Admission again = ledger.admitPayment(order, STORE, PARTNER, 2100, otherBarcode, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);

        Admission.Conflict conflict = assertInstanceOf(Admission.Conflict.class, again);
        assertEquals("barcode", conflict.field());
        assertEquals("partnerOrderNo " + order + " is already used by a payment with another barcode",
                conflict.message());
        assertFalse(conflict.message().contains(otherBarcode));
        assertFalse(conflict.message().contains(BARCODE));
        assertEquals(BARCODE_SHA256, ledger.find(order).orElseThrow().barcodeFingerprint());
    }

    @Test
    void concurrentAdmissionsFromTwoInstancesHaveExactlyOneWinner() throws Exception {
        PaymentLedger first = new PaymentLedger(dataSource(GatewayTestStack.postgres().jdbcUrl()));
        PaymentLedger second = new PaymentLedger(dataSource(GatewayTestStack.postgres().jdbcUrl()));
        String order = orderNo();

        List<Admission> admissions = concurrently(20, i -> (i % 2 == 0 ? first : second)
                .admitPayment(order, STORE, PARTNER, 2100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND));

        assertEquals(1, admissions.stream().filter(Admission.Admitted.class::isInstance).count());
        assertEquals(19, admissions.stream().filter(Admission.Existing.class::isInstance).count());
        assertEquals(1, ledger.find(order).orElseThrow().payAttempts());
    }

    @Test
    void moveSucceedsOnlyFromTheExpectedStatesAndOnlyOnce() {
        String order = orderNo();
        admit(order, 2100);

        assertFalse(ledger.move(order, Set.of(PaymentState.PENDING, PaymentState.CHECKING), PaymentState.SUCCESS,
                PaymentUpdate.none()), "PAYING is not among the expected states");
        assertEquals(PaymentState.PAYING, ledger.find(order).orElseThrow().state());

        PaymentUpdate success = PaymentUpdate.none().withProviderOrderNo("2018072518060757")
                .withFinalResult("{\"outcome\":\"SUCCESS\"}");
        assertTrue(ledger.move(order, Set.of(PaymentState.PAYING, PaymentState.PENDING), PaymentState.SUCCESS,
                success));
        assertFalse(ledger.move(order, Set.of(PaymentState.PAYING, PaymentState.PENDING), PaymentState.SUCCESS,
                success), "cannot move twice");
        assertFalse(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.FAILED, PaymentUpdate.none()),
                "a late path cannot move it backwards");
        assertFalse(ledger.move(orderNo(), Set.of(PaymentState.PAYING), PaymentState.FAILED, PaymentUpdate.none()),
                "unknown order");
        assertFalse(ledger.move(order, Set.of(), PaymentState.FAILED, PaymentUpdate.none()));

        LedgerEntry paid = ledger.find(order).orElseThrow();
        assertEquals(PaymentState.SUCCESS, paid.state());
        assertEquals("2018072518060757", paid.providerOrderNo());
        assertNull(paid.nextCheckAt(), "no next check given: nothing more to ask");
    }

    @Test
    void moveReschedulesAndCountsQueriesAndAttempts() {
        String order = orderNo();
        admit(order, 2100);
        assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.PENDING,
                PaymentUpdate.none().checkAgainIn(Duration.ofSeconds(5))));

        Instant before = databaseNow();
        assertTrue(ledger.move(order, Set.of(PaymentState.PENDING), PaymentState.PENDING,
                PaymentUpdate.none().countingQuery().checkAgainIn(Duration.ofSeconds(4))));
        Instant after = databaseNow();

        LedgerEntry pending = ledger.find(order).orElseThrow();
        assertEquals(PaymentState.PENDING, pending.state());
        assertEquals(1, pending.queries());
        assertEquals(1, pending.payAttempts());
        assertFalse(pending.nextCheckAt().isBefore(before.plusSeconds(4)), pending.nextCheckAt().toString());
        assertFalse(pending.nextCheckAt().isAfter(after.plusSeconds(4)), pending.nextCheckAt().toString());

        assertTrue(ledger.move(order, Set.of(PaymentState.PENDING), PaymentState.CHECKING,
                PaymentUpdate.none().countingQuery().countingPayAttempt().checkAgainIn(Duration.ofSeconds(3))));
        LedgerEntry checking = ledger.find(order).orElseThrow();
        assertEquals(2, checking.queries());
        assertEquals(2, checking.payAttempts());

        assertTrue(ledger.move(order, Set.of(PaymentState.CHECKING), PaymentState.UNKNOWN, PaymentUpdate.none()));
        LedgerEntry unknown = ledger.find(order).orElseThrow();
        assertNull(unknown.nextCheckAt(), "no duration clears the schedule");
        assertEquals(2, unknown.queries(), "not counted");
    }

    @Test
    void moveKeepsWhatAnUpdateLeavesOutAndCutsLongReasons() {
        String order = orderNo();
        admit(order, 2100);
        assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.PENDING, PaymentUpdate.none()
                .withProviderOrderNo("P-1").withReason("waiting").withFinalResult("{\"outcome\":\"PENDING\"}")
                .checkAgainIn(Duration.ofSeconds(5))));

        assertTrue(ledger.move(order, Set.of(PaymentState.PENDING), PaymentState.CHECKING,
                PaymentUpdate.none().checkAgainIn(Duration.ofSeconds(5))));
        LedgerEntry kept = ledger.find(order).orElseThrow();
        assertEquals("P-1", kept.providerOrderNo());
        assertEquals("waiting", kept.lastReason());
        assertEquals("{\"outcome\":\"PENDING\"}", kept.finalResult());

        String longReason = "timeout ".repeat(40);
        assertTrue(ledger.move(order, Set.of(PaymentState.CHECKING), PaymentState.UNKNOWN,
                PaymentUpdate.none().withReason(longReason).withFinalResult("{\"outcome\":\"UNKNOWN\"}")));
        LedgerEntry unknown = ledger.find(order).orElseThrow();
        assertEquals(longReason.substring(0, 200), unknown.lastReason());
        assertEquals("{\"outcome\":\"UNKNOWN\"}", unknown.finalResult());
        assertEquals("P-1", unknown.providerOrderNo());
    }

    @Test
    void claimDueTakesOnlyDueUnresolvedPaymentsAndPushesThemByTheLease() {
        Map<PaymentState, String> due = new java.util.EnumMap<>(PaymentState.class);
        for (PaymentState state : List.of(PaymentState.PAYING, PaymentState.PENDING, PaymentState.CHECKING,
                PaymentState.UNKNOWN)) {
            String order = orderNo();
            admit(order, 100);
            assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), state,
                    PaymentUpdate.none().checkAgainIn(LONG_AGO.negated())));
            due.put(state, order);
        }
        String notDue = orderNo();
        admit(notDue, 100);
        String unscheduled = orderNo();
        admit(unscheduled, 100);
        ledger.move(unscheduled, Set.of(PaymentState.PAYING), PaymentState.PENDING, PaymentUpdate.none());
        Set<String> finals = new HashSet<>();
        for (PaymentState state : List.of(PaymentState.SUCCESS, PaymentState.FAILED, PaymentState.REFUNDED)) {
            String order = orderNo();
            admit(order, 100);
            // a final row whose result is confirmed published has no next check and is never claimed
            assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), state,
                    PaymentUpdate.none().checkAgainIn(LONG_AGO.negated())));
            ledger.confirmPublished(order, state);
            finals.add(order);
        }

        Instant before = databaseNow();
        List<LedgerEntry> claimed = ledger.claimDue(1000, LEASE);
        Instant after = databaseNow();

        Set<String> claimedOrders = orders(claimed);
        assertTrue(claimedOrders.containsAll(due.values()), claimedOrders.toString());
        assertFalse(claimedOrders.contains(notDue));
        assertFalse(claimedOrders.contains(unscheduled));
        assertTrue(finals.stream().noneMatch(claimedOrders::contains), "confirmed final payments are never claimed");
        for (LedgerEntry entry : claimed.stream().filter(e -> due.containsValue(e.partnerOrderNo())).toList()) {
            assertFalse(entry.nextCheckAt().isBefore(before.plus(LEASE)), "pushed by the lease");
            assertFalse(entry.nextCheckAt().isAfter(after.plus(LEASE)));
        }
        assertEquals(PaymentState.CHECKING, claimed.stream()
                .filter(entry -> entry.partnerOrderNo().equals(due.get(PaymentState.CHECKING)))
                .findFirst().orElseThrow().state(), "entries are the rows as claimed");

        assertTrue(orders(ledger.claimDue(1000, LEASE)).stream().noneMatch(due::containsValue),
                "leased: not due again until the lease ends");
    }

    @Test
    void claimDueTakesTheEarliestFirstUpToTheLimit() {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String order = orderNo();
            admit(order, 100);
            // earliest first: LONG_AGO, then 1 and 2 seconds later
            assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.PENDING,
                    PaymentUpdate.none().checkAgainIn(LONG_AGO.negated().plusSeconds(i))));
            orders.add(order);
        }

        assertEquals(Set.of(orders.get(0), orders.get(1)), orders(ledger.claimDue(2, LEASE)));
        assertEquals(orders.get(2), ledger.claimDue(1, LEASE).get(0).partnerOrderNo());
    }

    @Test
    void concurrentClaimersFromTwoInstancesGetDisjointSets() throws Exception {
        PaymentLedger first = new PaymentLedger(dataSource(GatewayTestStack.postgres().jdbcUrl()));
        PaymentLedger second = new PaymentLedger(dataSource(GatewayTestStack.postgres().jdbcUrl()));
        Set<String> due = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            String order = orderNo();
            admit(order, 100);
            assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.PENDING,
                    PaymentUpdate.none().checkAgainIn(LONG_AGO.negated())));
            due.add(order);
        }

        // each claimer takes small batches until nothing is due
        List<List<String>> claims = concurrently(4, i -> {
            PaymentLedger instance = i % 2 == 0 ? first : second;
            List<String> mine = new ArrayList<>();
            List<LedgerEntry> batch;
            while (!(batch = instance.claimDue(3, LEASE)).isEmpty()) {
                batch.forEach(entry -> mine.add(entry.partnerOrderNo()));
            }
            return mine;
        });

        List<String> all = claims.stream().flatMap(List::stream).toList();
        assertEquals(all.size(), new HashSet<>(all).size(), "no payment claimed twice: " + claims);
        assertTrue(all.containsAll(due));
    }

    @Test
    void aResultIsPublishedOnlyWhileThePaymentIsInAStateItDescribesAndTheMoveWaitsForIt() throws Exception {
        String order = orderNo();
        admit(order, 2100);
        AtomicInteger published = new AtomicInteger();

        assertTrue(ledger.publishWhileIn(order, Set.of(PaymentState.PAYING, PaymentState.PENDING),
                published::incrementAndGet));
        assertTrue(ledger.publishWhileIn(orderNo(), Set.of(PaymentState.SUCCESS), published::incrementAndGet),
                "an order the ledger does not know is published as it comes");
        ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none());
        assertFalse(ledger.publishWhileIn(order, Set.of(PaymentState.PAYING, PaymentState.PENDING),
                published::incrementAndGet), "a late waiting result after the settlement");
        assertEquals(2, published.get());

        String waiting = orderNo();
        admit(waiting, 500);
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> pending = executor.submit(() -> ledger.publishWhileIn(waiting,
                    Set.of(PaymentState.PAYING), () -> {
                        publishing.countDown();
                        await(release);
                    }));
            assertTrue(publishing.await(10, TimeUnit.SECONDS));
            Future<Boolean> settle = executor.submit(() -> ledger.move(waiting,
                    Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none()));
            assertThrows(java.util.concurrent.TimeoutException.class, () -> settle.get(300, TimeUnit.MILLISECONDS),
                    "the settlement waits while the waiting result is being published");
            release.countDown();
            assertTrue(pending.get(10, TimeUnit.SECONDS));
            assertTrue(settle.get(10, TimeUnit.SECONDS), "then it moves");
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void countUnresolvedCountsEachUnresolvedStateAndZeroForNone() throws Exception {
        String database = "ledger_count_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        String url = GatewayTestStack.postgres().jdbcUrl();
        DataSource fresh = dataSource(url.substring(0, url.lastIndexOf('/') + 1) + database);
        Flyway.configure().dataSource(fresh).load().migrate();
        PaymentLedger empty = new PaymentLedger(fresh);

        assertEquals(Map.of(PaymentState.PAYING, 0L, PaymentState.PENDING, 0L, PaymentState.CHECKING, 0L,
                PaymentState.UNKNOWN, 0L), empty.countUnresolved());

        for (PaymentState state : List.of(PaymentState.PAYING, PaymentState.PAYING, PaymentState.PENDING,
                PaymentState.UNKNOWN, PaymentState.SUCCESS, PaymentState.FAILED)) {
            String order = orderNo();
            assertInstanceOf(Admission.Admitted.class,
                    empty.admitPayment(order, STORE, PARTNER, 100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND));
            empty.move(order, Set.of(PaymentState.PAYING), state, PaymentUpdate.none());
        }

        assertEquals(Map.of(PaymentState.PAYING, 2L, PaymentState.PENDING, 1L, PaymentState.CHECKING, 0L,
                PaymentState.UNKNOWN, 1L), empty.countUnresolved());
    }

    @Test
    void storeFailuresNameTheOrderOnly() {
        DataSource nowhere = dataSource("jdbc:postgresql://127.0.0.1:1/postgres");
        PaymentLedger unreachable = new PaymentLedger(nowhere);
        String order = orderNo();

        LedgerException admit = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
                () -> unreachable.admitPayment(order, STORE, PARTNER, 100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND));
        assertEquals("could not admit payment " + order, admit.getMessage());
        assertInstanceOf(SQLException.class, admit.getCause());
        LedgerException refund = org.junit.jupiter.api.Assertions.assertThrows(LedgerException.class,
                () -> new RefundLedger(nowhere).admitRefund("r-1", order, 100));
        assertEquals("could not admit refund r-1", refund.getMessage());
    }

    // --- helpers

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> orders(List<LedgerEntry> entries) {
        return entries.stream().map(LedgerEntry::partnerOrderNo).collect(Collectors.toSet());
    }

    private static Instant databaseNow() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT now()");
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getObject(1, OffsetDateTime.class).toInstant();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void thePayCommandIsKeptWhileUnresolvedAndClearedOnceFinal() {
        String order = orderNo();
        ledger.admitPayment(order, STORE, PARTNER, 2100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);
        assertEquals(PAY_COMMAND, ledger.payCommand(order).orElseThrow());

        ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.CHECKING, PaymentUpdate.none());
        assertEquals(PAY_COMMAND, ledger.payCommand(order).orElseThrow(), "kept for the one re-send");
        ledger.move(order, Set.of(PaymentState.CHECKING), PaymentState.UNKNOWN, PaymentUpdate.none());
        assertTrue(ledger.payCommand(order).isEmpty(), "no customer payment code kept past the deadline");
    }

    @Test
    void anAnswerScopedToAnAttemptAppliesOnlyWhileThatAttemptIsTheLatest() {
        String order = orderNo();
        ledger.admitPayment(order, STORE, PARTNER, 2100, BARCODE, FIRST_CHECK, DEADLINE, SWEEP, PAY_COMMAND);
        ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.PAYING, PaymentUpdate.none().countingPayAttempt());

        assertFalse(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.FAILED,
                PaymentUpdate.none().onlyAtAttempt(1)), "the first call's late answer");
        assertTrue(ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.SUCCESS,
                PaymentUpdate.none().onlyAtAttempt(2)), "the re-sent call's answer");
        assertEquals(PaymentState.SUCCESS, ledger.find(order).orElseThrow().state());
    }

    @Test
    void aFinalPaymentStaysDueUntilItsResultIsConfirmedPublished() {
        String order = orderNo();
        admit(order, 100);
        ledger.move(order, Set.of(PaymentState.PAYING), PaymentState.SUCCESS,
                PaymentUpdate.none().checkAgainIn(LONG_AGO.negated()));

        assertTrue(orders(ledger.claimDue(1000, LEASE)).contains(order), "republished by the resolver if lost");
        ledger.confirmPublished(order, PaymentState.REFUNDED);
        assertNotNull(ledger.find(order).orElseThrow().nextCheckAt(), "another state's result confirms nothing");
        ledger.confirmPublished(order, PaymentState.SUCCESS);
        assertNull(ledger.find(order).orElseThrow().nextCheckAt());
    }

    @Test
    void manyResultsAreConfirmedPublishedInOneStatementEachForItsOwnState() {
        String paid = orderNo();
        String failed = orderNo();
        String other = orderNo();
        for (String order : List.of(paid, failed, other)) {
            admit(order, 100);
        }
        ledger.move(paid, Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none().checkAgainIn(LEASE));
        ledger.move(failed, Set.of(PaymentState.PAYING), PaymentState.FAILED, PaymentUpdate.none().checkAgainIn(LEASE));
        ledger.move(other, Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none().checkAgainIn(LEASE));

        ledger.confirmPublished(List.of(new PublishedResult(paid, PaymentState.SUCCESS),
                new PublishedResult(failed, PaymentState.FAILED), new PublishedResult(other, PaymentState.REFUNDED)));

        assertNull(ledger.find(paid).orElseThrow().nextCheckAt());
        assertNull(ledger.find(failed).orElseThrow().nextCheckAt());
        assertNotNull(ledger.find(other).orElseThrow().nextCheckAt(), "another state's result confirms nothing");
        assertThrows(IllegalArgumentException.class, () -> ledger.confirmPublished(List.of(
                new PublishedResult(other, PaymentState.PENDING))), "only final results are confirmed");
    }

    /** The confirmation that ends a payment's being due says how long it took: once, whoever else confirms it. */
    @Test
    void theFirstConfirmationGivesTheTimeSinceAdmissionAndRepeatsGiveNothing() {
        String paid = orderNo();
        String twice = orderNo();
        admit(paid, 100);
        admit(twice, 100);
        ledger.move(paid, Set.of(PaymentState.PAYING), PaymentState.SUCCESS, PaymentUpdate.none().checkAgainIn(LEASE));
        ledger.move(twice, Set.of(PaymentState.PAYING), PaymentState.FAILED, PaymentUpdate.none().checkAgainIn(LEASE));

        Optional<Duration> first = ledger.confirmPublished(paid, PaymentState.SUCCESS);
        assertTrue(first.isPresent(), "the first confirmation: the payment's time to its final result");
        assertFalse(first.get().isNegative(), first.toString());
        assertTrue(first.get().compareTo(Duration.ofMinutes(1)) < 0, "admitted moments ago: " + first);
        assertEquals(Optional.empty(), ledger.confirmPublished(paid, PaymentState.SUCCESS), "a repeat: nothing");

        // the same payment twice in one statement (two paths confirming together): timed once
        List<Optional<Duration>> together = ledger.confirmPublished(List.of(
                new PublishedResult(twice, PaymentState.FAILED), new PublishedResult(twice, PaymentState.FAILED),
                new PublishedResult(paid, PaymentState.SUCCESS)));
        assertEquals(3, together.size());
        assertTrue(together.get(0).isPresent(), together.toString());
        assertEquals(Optional.empty(), together.get(1));
        assertEquals(Optional.empty(), together.get(2), "confirmed before");
    }

    /** The entry's row, without the time it was read at. */
    private static LedgerEntry row(LedgerEntry e) {
        return new LedgerEntry(e.partnerOrderNo(), e.storeNo(), e.partnerNo(), e.orderAmount(),
                e.barcodeFingerprint(), e.state(), e.providerOrderNo(), e.payAttempts(), e.queries(), e.lastReason(),
                e.finalResult(), e.refundedAmount(), e.nextCheckAt(), e.deadlineAt(), e.sweepUntil(), e.createdAt(),
                null);
    }
}
