package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.RefundResult;

/** What one provider call established: a verified body, or nothing conclusive (and why). */
public sealed interface ProviderReply {

    String reqMsgId();

    /** A verified pay or payQuery answer. */
    record Order(OrderResult body, String reqMsgId) implements ProviderReply {
    }

    /** A verified refund answer. */
    record Refund(RefundResult body, String reqMsgId) implements ProviderReply {
    }

    /** Timeout, connection error, HTTP error, unparseable or wrongly signed answer: the outcome is not known. */
    record Inconclusive(String reason, String reqMsgId) implements ProviderReply {
    }
}
