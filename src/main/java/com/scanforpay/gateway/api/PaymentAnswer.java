package com.scanforpay.gateway.api;

import com.scanforpay.gateway.payment.PaymentResult;

/**
 * What {@link PaymentRequests} decided for a request, without HTTP: {@link PaymentsResource} maps each case to its
 * status code and body, so the decisions can be tested without a server.
 */
public sealed interface PaymentAnswer {

    /** The final result (200); a REJECTED one is the gateway's refusal of this very command (409). */
    record Final(PaymentResult result) implements PaymentAnswer {
    }

    /** Taken, not final within the wait (or no wait): 202, poll the payment, or the refund when {@code refundNo}. */
    record Taken(String partnerOrderNo, String refundNo) implements PaymentAnswer {
    }

    /** The order number (or refundNo) is another command's: 409 naming {@code field}. */
    record Conflict(String field, String message) implements PaymentAnswer {
    }

    /** The caller does not act for the order's store: 403, telling nothing of the order. */
    record OtherStore() implements PaymentAnswer {
    }

    /** Not in the ledger: 404; {@code field} names the request's field that names it, or is {@code null}. */
    record NotFound(String field, String message) implements PaymentAnswer {
    }

    /** Kafka did not take the command, so nothing was done: 503, send it again. */
    record NotSubmitted(String message) implements PaymentAnswer {
    }

    /** The payment as the ledger has it: 200. */
    record Payment(PaymentView view) implements PaymentAnswer {
    }

    /** The refund as the ledger has it: 200. */
    record Refund(RefundView view) implements PaymentAnswer {
    }
}
