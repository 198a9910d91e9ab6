package com.scanforpay.gateway.sandbox;

/**
 * A notification the receiver answered {@code success}.
 *
 * @param partnerOrderNo  the order notified
 * @param status          the order status carried (1 paid, 2 failed)
 * @param attempt         1-based number of the POST, within its delivery, that was answered {@code success}
 *                        (2 means the first POST was refused and the retry taken)
 * @param body            the exact signed envelope text that was POSTed
 */
public record SandboxNotification(String partnerOrderNo, int status, int attempt, String body) {

    /** Leaves the body (which carries buyer data) out. */
    @Override
    public String toString() {
        return "SandboxNotification[partnerOrderNo=" + partnerOrderNo + ", status=" + status + ", attempt=" + attempt
                + ", body=" + body.length() + " chars]";
    }
}
