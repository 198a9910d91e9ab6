package com.scanforpay.gateway.providercall;

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
    record Inconclusive(Kind kind, String reason, String reqMsgId) implements ProviderReply {

        /** Why nothing was established; the metric {@code scanforpay_provider_errors_total} counts by it. */
        public enum Kind {
            TIMEOUT, CONNECTION, HTTP_STATUS, MALFORMED, BAD_SIGNATURE,
            /** No connection within the connect timeout (every pooled one busy, or the host unreachable). */
            NO_CONNECTION,
            /** Verified, but about another order or amount. */
            MISMATCH,
            /** No call was made (no partner serves the store). */
            NOT_SENT
        }
    }
}
