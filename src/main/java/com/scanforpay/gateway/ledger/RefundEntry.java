package com.scanforpay.gateway.ledger;

import java.time.Instant;

/** One refund row of the ledger, as read. */
public record RefundEntry(String refundNo, String partnerOrderNo, int amount, RefundState state, String finalResult,
        Instant createdAt) {
}
