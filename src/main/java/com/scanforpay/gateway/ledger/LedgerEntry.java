package com.scanforpay.gateway.ledger;

import java.time.Instant;

/**
 * One payment row of the ledger, as read. {@code partnerNo} is the partner account the payment was sent through
 * (null on rows from before it was recorded); {@code readAt} the database's time when it was read, the clock its
 * deadlines are on.
 */
public record LedgerEntry(String partnerOrderNo, String storeNo, String partnerNo, int orderAmount, String barcodeFingerprint,
        PaymentState state, String providerOrderNo, int payAttempts, int queries, String lastReason,
        String finalResult, long refundedAmount, Instant nextCheckAt, Instant deadlineAt, Instant sweepUntil,
        Instant createdAt, Instant readAt) {

    @Override
    public String toString() {
        return "LedgerEntry[" + partnerOrderNo + " " + state + ", attempts=" + payAttempts + ", queries=" + queries
                + "]";
    }
}
