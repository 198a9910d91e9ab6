package com.scanforpay.gateway.ledger;

import static com.scanforpay.gateway.ledger.LedgerJdbc.inTransaction;
import static com.scanforpay.gateway.ledger.LedgerJdbc.instant;
import static com.scanforpay.gateway.ledger.LedgerJdbc.states;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The refunds of the ledger in PostgreSQL (plain JDBC): one row per {@code refundNo}, its admission against the
 * order, its moves and its deadline. Kept apart from {@link PaymentLedger}, which owns the payment rows: what a
 * refund does to its payment (the order's row lock that serialises the refunds of one order, the refunded amount,
 * REFUNDED once the refunds reach the paid amount) is PaymentLedger's, run in the refund's own transaction, so a
 * refund is never admitted twice, never exceeds the paid amount, and its success and the payment's REFUNDED commit
 * together.
 */
public class RefundLedger {

    private static final String FIND_REFUND = "SELECT * FROM refunds WHERE refund_no = ?";

    // Everything not FAILED may still take money back: in progress and unknown refunds count.
    private static final String REFUNDS_IN_USE = """
            SELECT COALESCE(sum(amount), 0) FROM refunds
            WHERE partner_order_no = ? AND state IN ('REFUNDING', 'PENDING', 'SUCCESS', 'UNKNOWN')""";

    private static final String ADMIT_REFUND = """
            INSERT INTO refunds (refund_no, partner_order_no, amount, state)
            VALUES (?, ?, ?, 'REFUNDING')
            ON CONFLICT (refund_no) DO NOTHING
            RETURNING *""";

    // Locks the refund first so its previous state is known: a refund already SUCCESS is never counted twice.
    private static final String LOCK_REFUND =
            "SELECT state, partner_order_no, amount FROM refunds WHERE refund_no = ? FOR UPDATE";

    private static final String MOVE_REFUND = """
            UPDATE refunds SET state = ?, final_result = COALESCE(?, final_result), updated_at = now()
            WHERE refund_no = ? AND state = ANY(?)""";

    // Open refunds past their deadline, oldest first; rows another instance is sweeping right now are left to it.
    private static final String OPEN_REFUNDS_DUE = """
            SELECT * FROM refunds
            WHERE state IN ('REFUNDING', 'PENDING') AND created_at < now() - ? * interval '1 millisecond'
            ORDER BY created_at
            LIMIT ?
            FOR UPDATE SKIP LOCKED""";

    private final DataSource dataSource;

    public RefundLedger(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Records a refund as REFUNDING after checking it against the order, or reports why not. */
    public RefundAdmission admitRefund(String refundNo, String partnerOrderNo, int amount) {
        Objects.requireNonNull(refundNo, "refundNo");
        Objects.requireNonNull(partnerOrderNo, "partnerOrderNo");
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> admitRefund(connection, refundNo, partnerOrderNo, amount));
        } catch (SQLException e) {
            throw new LedgerException("could not admit refund " + refundNo, e);
        }
    }

    public Optional<RefundEntry> findRefund(String refundNo) {
        try (Connection connection = dataSource.getConnection()) {
            return findRefund(connection, refundNo);
        } catch (SQLException e) {
            throw new LedgerException("could not read refund " + refundNo, e);
        }
    }

    /**
     * Moves a refund; a refund reaching SUCCESS adds its amount to the order's refunded amount. When that makes
     * the refunds reach the paid amount, the payment becomes REFUNDED, with {@code refunded} giving its final result
     * (JSON, from the payment as it is now): the move then returns it, to be published, and the payment stays due
     * {@code publishGrace} ahead until that result is confirmed published, like any payment's final result.
     */
    public RefundMove moveRefund(String refundNo, Set<RefundState> from, RefundState to, String finalResult,
            Function<LedgerEntry, String> refunded, Duration publishGrace) {
        Objects.requireNonNull(to, "to");
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> moveRefund(connection, refundNo, from, to, finalResult, refunded,
                    publishGrace));
        } catch (SQLException e) {
            throw new LedgerException("could not move refund " + refundNo, e);
        }
    }

    /** A move that cannot complete a refund (to anything but SUCCESS). */
    public boolean moveRefund(String refundNo, Set<RefundState> from, RefundState to, String finalResult) {
        if (to == RefundState.SUCCESS) {
            throw new IllegalArgumentException("a refund reaching SUCCESS may refund its payment in full: "
                    + "say how its result reads");
        }
        return moveRefund(refundNo, from, to, finalResult, null, Duration.ZERO).moved();
    }

    /**
     * Ends refunds still open (REFUNDING or PENDING) created longer than {@code deadline} ago, at most {@code limit}
     * of them: each is handed to {@code announce}, which publishes its UNKNOWN result and returns it (JSON), then it
     * is recorded UNKNOWN. All in one transaction holding the refunds' rows: if announcing fails, nothing is recorded
     * and the refunds are swept again (a result may then be published twice, never lost).
     *
     * @return the refunds ended
     */
    public List<RefundEntry> endOpenRefunds(Duration deadline, int limit, Function<RefundEntry, String> announce) {
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> {
                List<RefundEntry> due = new ArrayList<>();
                try (PreparedStatement statement = connection.prepareStatement(OPEN_REFUNDS_DUE)) {
                    statement.setLong(1, deadline.toMillis());
                    statement.setInt(2, limit);
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            due.add(refund(row));
                        }
                    }
                }
                for (RefundEntry refund : due) {
                    String unknown = announce.apply(refund);
                    try (PreparedStatement statement = connection.prepareStatement(MOVE_REFUND)) {
                        statement.setString(1, RefundState.UNKNOWN.name());
                        statement.setString(2, unknown);
                        statement.setString(3, refund.refundNo());
                        statement.setArray(4, states(connection, Set.of(refund.state())));
                        statement.executeUpdate();
                    }
                }
                return due;
            });
        } catch (SQLException e) {
            throw new LedgerException("could not end open refunds", e);
        }
    }

    private RefundAdmission admitRefund(Connection connection, String refundNo, String partnerOrderNo, int amount)
            throws SQLException {
        Optional<RefundEntry> known = findRefund(connection, refundNo);
        if (known.isPresent()) {
            return repeated(known.get(), partnerOrderNo, amount);
        }
        // the order's row lock serialises the refunds of one order: each admission sees those admitted before
        Optional<PaymentLedger.LockedPayment> payment = PaymentLedger.lockPayment(connection, partnerOrderNo);
        // not in the ledger: paid through another system, the provider checks the refund
        if (payment.isPresent()) {
            PaymentState state = payment.get().state();
            int orderAmount = payment.get().orderAmount();
            if (state == PaymentState.REFUNDED) {
                return new RefundAdmission.Refused("partnerOrderNo",
                        "order " + partnerOrderNo + " is already fully refunded");
            }
            if (state != PaymentState.SUCCESS) {
                return new RefundAdmission.Refused("partnerOrderNo",
                        "order " + partnerOrderNo + " is not paid (" + state + ")");
            }
            long inUse = refundsInUse(connection, partnerOrderNo);
            if (inUse + amount > orderAmount) {
                return new RefundAdmission.Refused("orderAmount", "refunds of order " + partnerOrderNo
                        + " would exceed the paid amount " + orderAmount + ": " + inUse
                        + " already refunded or in progress");
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(ADMIT_REFUND)) {
            statement.setString(1, refundNo);
            statement.setString(2, partnerOrderNo);
            statement.setInt(3, amount);
            try (ResultSet row = statement.executeQuery()) {
                if (row.next()) {
                    return new RefundAdmission.Admitted(refund(row));
                }
            }
        }
        // a concurrent admission of the same refundNo committed first
        RefundEntry winner = findRefund(connection, refundNo)
                .orElseThrow(() -> new LedgerException("refund " + refundNo + " was neither admitted nor found"));
        return repeated(winner, partnerOrderNo, amount);
    }

    private static RefundAdmission repeated(RefundEntry known, String partnerOrderNo, int amount) {
        if (known.partnerOrderNo().equals(partnerOrderNo) && known.amount() == amount) {
            return new RefundAdmission.Existing(known);
        }
        return new RefundAdmission.Refused("refundNo",
                "refundNo " + known.refundNo() + " was already used for another refund");
    }

    private static long refundsInUse(Connection connection, String partnerOrderNo) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(REFUNDS_IN_USE)) {
            statement.setString(1, partnerOrderNo);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static RefundMove moveRefund(Connection connection, String refundNo, Set<RefundState> from,
            RefundState to, String finalResult, Function<LedgerEntry, String> refunded, Duration publishGrace)
            throws SQLException {
        RefundState before;
        String partnerOrderNo;
        int amount;
        try (PreparedStatement statement = connection.prepareStatement(LOCK_REFUND)) {
            statement.setString(1, refundNo);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return RefundMove.NOT_MOVED;
                }
                before = RefundState.valueOf(row.getString("state"));
                partnerOrderNo = row.getString("partner_order_no");
                amount = row.getInt("amount");
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(MOVE_REFUND)) {
            statement.setString(1, to.name());
            statement.setString(2, finalResult);
            statement.setString(3, refundNo);
            statement.setArray(4, states(connection, from));
            if (statement.executeUpdate() == 0) {
                return RefundMove.NOT_MOVED;
            }
        }
        if (to != RefundState.SUCCESS || before == RefundState.SUCCESS) {
            return RefundMove.MOVED;
        }
        // the payment's side, in this transaction: the refund's SUCCESS and the payment's REFUNDED commit together
        return PaymentLedger.addRefunded(connection, partnerOrderNo, amount, refunded, publishGrace)
                .map(result -> new RefundMove(true, result)).orElse(RefundMove.MOVED);
    }

    private static Optional<RefundEntry> findRefund(Connection connection, String refundNo) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND_REFUND)) {
            statement.setString(1, refundNo);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(refund(row)) : Optional.empty();
            }
        }
    }

    private static RefundEntry refund(ResultSet row) throws SQLException {
        return new RefundEntry(row.getString("refund_no"), row.getString("partner_order_no"), row.getInt("amount"),
                RefundState.valueOf(row.getString("state")), row.getString("final_result"),
                instant(row, "created_at"));
    }
}
