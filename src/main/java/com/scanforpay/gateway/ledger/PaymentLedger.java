package com.scanforpay.gateway.ledger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The payment ledger in PostgreSQL (plain JDBC): one row per {@code partnerOrderNo}, one per {@code refundNo}.
 * Every change is one conditional statement (or one short transaction), so paths and instances racing on the same
 * order can never move it backwards or twice. Times come from the database's clock, shared by all instances.
 */
public class PaymentLedger {

    private final DataSource dataSource;

    public PaymentLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records a new payment as PAYING (one attempt, deadline now + {@code deadline}, sweep until now +
     * {@code sweep}, first check at now + {@code firstCheck}), or reports the existing one.
     */
    public Admission admitPayment(String partnerOrderNo, String storeNo, int orderAmount, String barcode,
            Duration firstCheck, Duration deadline, Duration sweep) {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<LedgerEntry> find(String partnerOrderNo) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Moves the payment to {@code to} if it is in one of {@code from}; false (and no change) otherwise. */
    public boolean move(String partnerOrderNo, Set<PaymentState> from, PaymentState to, PaymentUpdate update) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Takes up to {@code limit} unresolved payments whose check is due, pushing their next check {@code lease}
     * ahead so no other instance takes them meanwhile (FOR UPDATE SKIP LOCKED).
     */
    public List<LedgerEntry> claimDue(int limit, Duration lease) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Records a refund as REFUNDING after checking it against the order, or reports why not. */
    public RefundAdmission admitRefund(String refundNo, String partnerOrderNo, int amount) {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<RefundEntry> findRefund(String refundNo) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Moves a refund; a refund reaching SUCCESS adds its amount to the order's refunded amount. */
    public boolean moveRefund(String refundNo, Set<RefundState> from, RefundState to, String finalResult) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Unresolved payments by state, for the metrics. */
    public java.util.Map<PaymentState, Long> countUnresolved() {
        throw new UnsupportedOperationException("TODO");
    }
}
