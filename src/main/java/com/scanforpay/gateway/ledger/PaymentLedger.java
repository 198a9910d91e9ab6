package com.scanforpay.gateway.ledger;

import static com.scanforpay.gateway.ledger.LedgerJdbc.inTransaction;
import static com.scanforpay.gateway.ledger.LedgerJdbc.instant;
import static com.scanforpay.gateway.ledger.LedgerJdbc.states;

import com.scanforpay.gateway.batching.BatchedCalls;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The payments of the ledger in PostgreSQL (plain JDBC): one row per {@code partnerOrderNo}, and every change to
 * it. Every change is one conditional statement (or one short transaction), so paths and instances racing on the
 * same order can never move it backwards or twice. Times come from the database's clock, shared by all instances.
 * The refunds are {@link RefundLedger}'s; what a refund does to its payment (the lock that serialises the refunds of
 * one order, the refunded amount, REFUNDED) is done here, package-private, inside the refund's own transaction.
 */
public class PaymentLedger {

    /** Longest reason the table holds ({@code last_reason varchar(200)}); longer ones are cut. */
    private static final int MAX_REASON_LENGTH = 200;

    private static final List<PaymentState> UNRESOLVED =
            List.of(PaymentState.PAYING, PaymentState.PENDING, PaymentState.CHECKING, PaymentState.UNKNOWN);

    // Many payments in one statement. A repeated order number changes nothing: ON CONFLICT DO NOTHING returns no
    // row for it, and the caller reads the existing one. Concurrent admissions of one order are serialised by the
    // primary key; rows go in order of their number, so two batches never wait for each other in a circle.
    private static final String ADMIT_PAYMENTS = """
            INSERT INTO payments (partner_order_no, store_no, partner_no, order_amount, barcode_fingerprint, state,
                pay_attempts, next_check_at, deadline_at, sweep_until, pay_command)
            SELECT n.partner_order_no, n.store_no, n.partner_no, n.order_amount, n.fingerprint, 'PAYING', 1,
                now() + n.first_check * interval '1 millisecond', now() + n.deadline * interval '1 millisecond',
                now() + n.sweep * interval '1 millisecond', n.pay_command
            FROM unnest(CAST(? AS varchar[]), CAST(? AS varchar[]), CAST(? AS varchar[]), CAST(? AS integer[]),
                CAST(? AS varchar[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]),
                CAST(? AS text[]))
                AS n(partner_order_no, store_no, partner_no, order_amount, fingerprint, first_check, deadline, sweep,
                    pay_command)
            ORDER BY n.partner_order_no
            ON CONFLICT (partner_order_no) DO NOTHING
            RETURNING *, now() AS read_at""";

    private static final String FIND_PAYMENTS =
            "SELECT *, now() AS read_at FROM payments WHERE partner_order_no = ANY(?)";

    private static final String FIND_PAYMENT = "SELECT *, now() AS read_at FROM payments WHERE partner_order_no = ?";

    // A NULL next check (no duration bound) clears the schedule: now() + NULL is NULL.
    private static final String MOVE = """
            UPDATE payments SET state = ?, provider_order_no = COALESCE(?, provider_order_no),
                last_reason = COALESCE(?, last_reason), final_result = COALESCE(?, final_result),
                next_check_at = now() + CAST(? AS bigint) * interval '1 millisecond',
                queries = queries + ?, pay_attempts = pay_attempts + ?, updated_at = now(),
                pay_command = CASE WHEN ? THEN NULL ELSE pay_command END
            WHERE partner_order_no = ? AND state = ANY(?) AND (CAST(? AS integer) IS NULL OR pay_attempts = ?)""";

    // A final payment keeps a next check only until its result is known to be on Kafka. Many in one statement.
    // Only a row still due changes, so exactly one confirmation (of all paths and instances) returns it, with the
    // time since its admission on the database's clock: the time-to-final-result metric counts each payment once.
    private static final String CONFIRM_PUBLISHED = """
            UPDATE payments AS p SET next_check_at = NULL, updated_at = now()
            FROM unnest(CAST(? AS varchar[]), CAST(? AS varchar[])) AS c(partner_order_no, state)
            WHERE p.partner_order_no = c.partner_order_no AND p.state = c.state AND p.next_check_at IS NOT NULL
            RETURNING p.partner_order_no, p.state,
                CAST(EXTRACT(EPOCH FROM now() - p.created_at) * 1000000 AS bigint) AS micros_since_admission""";

    private static final String PAY_COMMAND = "SELECT pay_command FROM payments WHERE partner_order_no = ?";

    // SKIP LOCKED: rows another instance is claiming (or moving) right now are left to it, so concurrent claimers
    // get disjoint sets; pushing next_check_at by the lease keeps them away until the claimer is done or dead.
    private static final String CLAIM_DUE = """
            UPDATE payments SET next_check_at = now() + ? * interval '1 millisecond'
            WHERE partner_order_no IN (
                SELECT partner_order_no FROM payments
                WHERE next_check_at <= now()
                ORDER BY next_check_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED)
            RETURNING *, now() AS read_at""";

    private static final String COUNT_UNRESOLVED = """
            SELECT state, count(*) FROM payments
            WHERE state IN ('PAYING', 'PENDING', 'CHECKING', 'UNKNOWN')
            GROUP BY state""";

    // The row lock serialises the refunds of one order: each admission sees the rows of those admitted before.
    private static final String LOCK_ORDER =
            "SELECT state, order_amount FROM payments WHERE partner_order_no = ? FOR UPDATE";

    // In SET, refunded_amount is the value before this update. No row if the order was paid elsewhere: no-op.
    // A payment whose refunds reach its paid amount is REFUNDED, its result to be published (and then confirmed).
    private static final String ADD_REFUNDED = """
            UPDATE payments SET refunded_amount = refunded_amount + ?,
                state = CASE WHEN refunded_amount + ? >= order_amount AND state = 'SUCCESS' THEN 'REFUNDED'
                    ELSE state END,
                updated_at = now()
            WHERE partner_order_no = ?
            RETURNING *, now() AS read_at""";

    private static final String REFUNDED_RESULT = """
            UPDATE payments SET final_result = ?, next_check_at = now() + ? * interval '1 millisecond'
            WHERE partner_order_no = ?""";

    // Locks the payment against any change while a result about it is being published.
    private static final String LOCK_FOR_PUBLISHING =
            "SELECT state FROM payments WHERE partner_order_no = ? FOR SHARE";

    private final DataSource dataSource;
    private final BatchedCalls<PublishedResult, Optional<Duration>> publishedConfirmations =
            BatchedCalls.ofStatements("published results' confirmations", this::confirmPublished);

    public PaymentLedger(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Records a new payment as PAYING (one attempt, deadline now + {@code deadline}, sweep until now +
     * {@code sweep}, first check at now + {@code firstCheck}), sent through the partner account {@code partnerNo},
     * or reports the existing one. {@code payCommand} (the command as received) is kept only until the payment is
     * final or UNKNOWN.
     */
    public Admission admitPayment(String partnerOrderNo, String storeNo, String partnerNo, int orderAmount,
            String barcode, Duration firstCheck, Duration deadline, Duration sweep, String payCommand) {
        return admitPayments(List.of(new NewPayment(partnerOrderNo, storeNo, partnerNo, orderAmount, barcode,
                firstCheck, deadline, sweep, payCommand))).get(0);
    }

    /**
     * Admits many payments in one statement, each as {@link #admitPayment} would: the admissions, in the order of
     * {@code payments}. A number given twice is admitted once, the other one then {@link Admission.Existing} (or a
     * conflict). All or nothing: if the statement fails, none is admitted.
     */
    public List<Admission> admitPayments(List<NewPayment> payments) {
        if (payments.isEmpty()) {
            return List.of();
        }
        // a number given twice goes in once (the first), so that the row admitted is the first one's
        Map<String, NewPayment> distinct = new LinkedHashMap<>();
        payments.forEach(payment -> distinct.putIfAbsent(payment.partnerOrderNo(), payment));
        int n = distinct.size();
        String[] orders = new String[n];
        String[] stores = new String[n];
        String[] partners = new String[n];
        Integer[] amounts = new Integer[n];
        String[] fingerprints = new String[n];
        Long[] firstChecks = new Long[n];
        Long[] deadlines = new Long[n];
        Long[] sweeps = new Long[n];
        String[] commands = new String[n];
        int i = 0;
        for (NewPayment payment : distinct.values()) {
            orders[i] = payment.partnerOrderNo();
            stores[i] = payment.storeNo();
            partners[i] = payment.partnerNo();
            amounts[i] = payment.orderAmount();
            fingerprints[i] = fingerprint(payment.barcode());
            firstChecks[i] = payment.firstCheck().toMillis();
            deadlines[i] = payment.deadline().toMillis();
            sweeps[i] = payment.sweep().toMillis();
            commands[i++] = payment.payCommand();
        }
        try (Connection connection = dataSource.getConnection()) {
            // one transaction: if reading the numbers already taken fails, nothing is admitted (a payment admitted
            // but answered with a failure would be taken for a repeat when run again, and never sent)
            return inTransaction(connection, () -> {
                Map<String, LedgerEntry> admitted = new HashMap<>();
                try (PreparedStatement statement = connection.prepareStatement(ADMIT_PAYMENTS)) {
                    statement.setArray(1, connection.createArrayOf("varchar", orders));
                    statement.setArray(2, connection.createArrayOf("varchar", stores));
                    statement.setArray(3, connection.createArrayOf("varchar", partners));
                    statement.setArray(4, connection.createArrayOf("integer", amounts));
                    statement.setArray(5, connection.createArrayOf("varchar", fingerprints));
                    statement.setArray(6, connection.createArrayOf("bigint", firstChecks));
                    statement.setArray(7, connection.createArrayOf("bigint", deadlines));
                    statement.setArray(8, connection.createArrayOf("bigint", sweeps));
                    statement.setArray(9, connection.createArrayOf("text", commands));
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            LedgerEntry entry = entry(row);
                            admitted.put(entry.partnerOrderNo(), entry);
                        }
                    }
                }
                Map<String, LedgerEntry> existing = admitted.size() == n ? new HashMap<>()
                        : findPayments(connection, distinct.keySet().stream()
                                .filter(order -> !admitted.containsKey(order)).toList());
                List<Admission> admissions = new ArrayList<>(payments.size());
                for (NewPayment payment : payments) {
                    // a number given twice: its first occurrence is the admitted one
                    LedgerEntry entry = admitted.remove(payment.partnerOrderNo());
                    if (entry != null) {
                        admissions.add(new Admission.Admitted(entry));
                        existing.putIfAbsent(payment.partnerOrderNo(), entry);
                        continue;
                    }
                    LedgerEntry known = existing.get(payment.partnerOrderNo());
                    if (known == null) {
                        throw new LedgerException("payment " + payment.partnerOrderNo()
                                + " was neither admitted nor found");
                    }
                    admissions.add(conflict(known, payment.orderAmount(), payment.barcode())
                            .map(Admission.class::cast).orElseGet(() -> new Admission.Existing(known)));
                }
                return admissions;
            });
        } catch (SQLException e) {
            throw new LedgerException(payments.size() == 1 ? "could not admit payment " + orders[0]
                    : "could not admit " + payments.size() + " payments", e);
        }
    }

    public Optional<LedgerEntry> find(String partnerOrderNo) {
        try (Connection connection = dataSource.getConnection()) {
            return findPayment(connection, partnerOrderNo);
        } catch (SQLException e) {
            throw new LedgerException("could not read payment " + partnerOrderNo, e);
        }
    }

    /** Moves the payment to {@code to} if it is in one of {@code from}; false (and no change) otherwise. */
    public boolean move(String partnerOrderNo, Set<PaymentState> from, PaymentState to, PaymentUpdate update) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(update, "update");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(MOVE)) {
            statement.setString(1, to.name());
            statement.setString(2, update.providerOrderNo());
            statement.setString(3, truncate(update.reason()));
            statement.setString(4, update.finalResult());
            if (update.nextCheckIn() == null) {
                statement.setNull(5, Types.BIGINT);
            } else {
                statement.setLong(5, update.nextCheckIn().toMillis());
            }
            statement.setInt(6, update.countQuery() ? 1 : 0);
            statement.setInt(7, update.countPayAttempt() ? 1 : 0);
            // the customer's payment code is needed only for the one re-send, never past the deadline
            statement.setBoolean(8, to.isFinal() || to == PaymentState.UNKNOWN);
            statement.setString(9, partnerOrderNo);
            statement.setArray(10, states(connection, from));
            if (update.onlyAtAttempt() == null) {
                statement.setNull(11, Types.INTEGER);
                statement.setNull(12, Types.INTEGER);
            } else {
                statement.setInt(11, update.onlyAtAttempt());
                statement.setInt(12, update.onlyAtAttempt());
            }
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new LedgerException("could not move payment " + partnerOrderNo, e);
        }
    }

    /**
     * The result of final state {@code published} is acknowledged by Kafka: nothing more to do for the payment. Until then a final
     * payment stays due, so that the resolver republishes its result if whoever moved it died before publishing.
     *
     * @return how long after its admission the payment's result was confirmed, if this is the confirmation that
     *         ended its being due; empty for a repeat (already confirmed, here or by another instance) and for a
     *         payment no longer in {@code published}
     */
    public Optional<Duration> confirmPublished(String partnerOrderNo, PaymentState published) {
        PublishedResult result = new PublishedResult(partnerOrderNo, published);
        checkFinal(result);
        try {
            // made at the same time (results acknowledged together), confirmations go in one statement
            return publishedConfirmations.call(result);
        } catch (CompletionException e) {
            throw new LedgerException("could not confirm the result of " + partnerOrderNo, e.getCause());
        }
    }

    /**
     * {@link #confirmPublished(String, PaymentState)} of many results, in one statement; the answers in the order of
     * {@code published} (a payment named twice gets its time once).
     */
    public List<Optional<Duration>> confirmPublished(List<PublishedResult> published) {
        published.forEach(PaymentLedger::checkFinal);
        if (published.isEmpty()) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(CONFIRM_PUBLISHED)) {
            statement.setArray(1, connection.createArrayOf("varchar",
                    published.stream().map(PublishedResult::partnerOrderNo).toArray()));
            // only the result of the state it is in now: after SUCCESS → REFUNDED, REFUNDED still has to go out
            statement.setArray(2, connection.createArrayOf("varchar",
                    published.stream().map(result -> result.state().name()).toArray()));
            Map<PublishedResult, Duration> confirmed = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    confirmed.put(new PublishedResult(rows.getString("partner_order_no"),
                                    PaymentState.valueOf(rows.getString("state"))),
                            Duration.ofNanos(rows.getLong("micros_since_admission") * 1000));
                }
            }
            List<Optional<Duration>> answers = new ArrayList<>(published.size());
            for (PublishedResult result : published) {
                answers.add(Optional.ofNullable(confirmed.remove(result)));
            }
            return answers;
        } catch (SQLException e) {
            throw new LedgerException(published.size() == 1 ? "could not confirm the result of "
                    + published.get(0).partnerOrderNo() : "could not confirm " + published.size() + " results", e);
        }
    }

    private static void checkFinal(PublishedResult result) {
        if (!result.state().isFinal()) {
            throw new IllegalArgumentException("only a final state's result is confirmed: " + result.state());
        }
    }

    /** The pay command as received, while the payment is unresolved (for the one permitted re-send). */
    public Optional<String> payCommand(String partnerOrderNo) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(PAY_COMMAND)) {
            statement.setString(1, partnerOrderNo);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new LedgerException("could not read the pay command of " + partnerOrderNo, e);
        }
    }

    /**
     * Takes up to {@code limit} payments whose check is due (unresolved ones to query, final ones whose result is
     * not confirmed published), pushing their next check {@code lease} ahead so no other instance takes them
     * meanwhile (FOR UPDATE SKIP LOCKED).
     */
    public List<LedgerEntry> claimDue(int limit, Duration lease) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(CLAIM_DUE)) {
            statement.setLong(1, lease.toMillis());
            statement.setInt(2, limit);
            List<LedgerEntry> claimed = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    claimed.add(entry(row));
                }
            }
            return claimed;
        } catch (SQLException e) {
            throw new LedgerException("could not claim due payments", e);
        }
    }

    /**
     * Runs {@code publish} while the payment cannot change, if its state is one of {@code states} (or the ledger
     * does not know it): true if it ran. A result is thereby never published after the payment has moved past it
     * (a late "waiting" after the settlement): the move waits until the publishing is done, and its own result
     * comes after.
     */
    public boolean publishWhileIn(String partnerOrderNo, Set<PaymentState> states, Runnable publish) {
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                try (PreparedStatement statement = connection.prepareStatement(LOCK_FOR_PUBLISHING)) {
                    statement.setString(1, partnerOrderNo);
                    try (ResultSet row = statement.executeQuery()) {
                        if (row.next() && !states.contains(PaymentState.valueOf(row.getString(1)))) {
                            return false;
                        }
                    }
                }
                publish.run();
                return true;
            });
        } catch (SQLException e) {
            throw new LedgerException("could not lock payment " + partnerOrderNo + " for publishing", e);
        }
    }

    /** Unresolved payments by state, for the metrics. */
    public java.util.Map<PaymentState, Long> countUnresolved() {
        Map<PaymentState, Long> counts = new EnumMap<>(PaymentState.class);
        for (PaymentState state : UNRESOLVED) {
            counts.put(state, 0L);
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(COUNT_UNRESOLVED);
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                counts.put(PaymentState.valueOf(row.getString(1)), row.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw new LedgerException("could not count unresolved payments", e);
        }
    }

    /** A payment's state and amount, as locked for a refund. */
    record LockedPayment(PaymentState state, int orderAmount) {
    }

    /**
     * Locks the payment's row ({@code FOR UPDATE}) in the caller's transaction on {@code connection}, until it ends:
     * the refunds of one order are serialised by it. Empty if the ledger does not know the order.
     */
    static Optional<LockedPayment> lockPayment(Connection connection, String partnerOrderNo) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LOCK_ORDER)) {
            statement.setString(1, partnerOrderNo);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(new LockedPayment(PaymentState.valueOf(row.getString("state")),
                        row.getInt("order_amount"))) : Optional.empty();
            }
        }
    }

    /**
     * What a refund's success does to its payment, in the refund's transaction on {@code connection} (so both
     * commit together or not at all): locks the payment, adds {@code amount} to its refunded amount and, when that
     * makes a paid (SUCCESS) payment REFUNDED, records {@code refunded}'s result of it (JSON, from the payment as it
     * is now), due {@code publishGrace} ahead until that result is confirmed published.
     *
     * @return the REFUNDED result to publish; empty if the payment is not refunded in full by this (or the ledger
     *         does not know it: paid through another system)
     */
    static Optional<String> addRefunded(Connection connection, String partnerOrderNo, int amount,
            Function<LedgerEntry, String> refunded, Duration publishGrace) throws SQLException {
        Optional<PaymentState> paymentBefore = lockPayment(connection, partnerOrderNo).map(LockedPayment::state);
        LedgerEntry payment;
        try (PreparedStatement statement = connection.prepareStatement(ADD_REFUNDED)) {
            statement.setLong(1, amount);
            statement.setLong(2, amount);
            statement.setString(3, partnerOrderNo);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty(); // paid through another system
                }
                payment = entry(row);
            }
        }
        if (paymentBefore.orElse(null) != PaymentState.SUCCESS || payment.state() != PaymentState.REFUNDED) {
            return Optional.empty();
        }
        String result = refunded.apply(payment);
        try (PreparedStatement statement = connection.prepareStatement(REFUNDED_RESULT)) {
            statement.setString(1, result);
            statement.setLong(2, publishGrace.toMillis());
            statement.setString(3, partnerOrderNo);
            statement.executeUpdate();
        }
        return Optional.ofNullable(result);
    }

    private static Optional<LedgerEntry> findPayment(Connection connection, String partnerOrderNo)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND_PAYMENT)) {
            statement.setString(1, partnerOrderNo);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(entry(row)) : Optional.empty();
            }
        }
    }

    private static Map<String, LedgerEntry> findPayments(Connection connection, List<String> partnerOrderNos)
            throws SQLException {
        Map<String, LedgerEntry> found = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(FIND_PAYMENTS)) {
            statement.setArray(1, connection.createArrayOf("varchar", partnerOrderNos.toArray()));
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    LedgerEntry entry = entry(row);
                    found.put(entry.partnerOrderNo(), entry);
                }
            }
        }
        return found;
    }

    private static LedgerEntry entry(ResultSet row) throws SQLException {
        return new LedgerEntry(row.getString("partner_order_no"), row.getString("store_no"),
                row.getString("partner_no"), row.getInt("order_amount"), row.getString("barcode_fingerprint"),
                PaymentState.valueOf(row.getString("state")), row.getString("provider_order_no"),
                row.getInt("pay_attempts"), row.getInt("queries"), row.getString("last_reason"),
                row.getString("final_result"), row.getLong("refunded_amount"), instant(row, "next_check_at"),
                instant(row, "deadline_at"), instant(row, "sweep_until"), instant(row, "created_at"),
                instant(row, "read_at"));
    }

    /** Cuts a reason to what the column holds, never between the two halves of a surrogate pair. */
    static String truncate(String reason) {
        if (reason == null || reason.length() <= MAX_REASON_LENGTH) {
            return reason;
        }
        int end = Character.isHighSurrogate(reason.charAt(MAX_REASON_LENGTH - 1))
                ? MAX_REASON_LENGTH - 1 : MAX_REASON_LENGTH;
        return reason.substring(0, end);
    }

    /**
     * Whether a PAY with {@code orderAmount} and {@code barcode} is a different payment from {@code existing} (same
     * {@code partnerOrderNo}): the rule {@link #admitPayment} applies, shared with the HTTP API's early check.
     */
    public static Optional<Admission.Conflict> conflict(LedgerEntry existing, int orderAmount, String barcode) {
        String partnerOrderNo = existing.partnerOrderNo();
        if (existing.orderAmount() != orderAmount) {
            return Optional.of(new Admission.Conflict("orderAmount", "partnerOrderNo " + partnerOrderNo
                    + " is already used by a payment of " + existing.orderAmount() + ", not " + orderAmount));
        }
        if (!existing.barcodeFingerprint().equals(fingerprint(barcode))) {
            return Optional.of(new Admission.Conflict("barcode", "partnerOrderNo " + partnerOrderNo
                    + " is already used by a payment with another barcode"));
        }
        return Optional.empty();
    }

    /** SHA-256 of the barcode's UTF-8 bytes, lowercase hex: repeats compare equal, the barcode is not stored. */
    public static String fingerprint(String barcode) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(barcode.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
