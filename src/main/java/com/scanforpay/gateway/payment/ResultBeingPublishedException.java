package com.scanforpay.gateway.payment;

/**
 * The same result (order, type, outcome) is being published right now by another path or instance. Not a
 * failure: try again shortly, and it is then either published or a recognised repeat.
 */
public final class ResultBeingPublishedException extends RuntimeException {

    public ResultBeingPublishedException(String key) {
        super("result " + key + " is being published by another path; try again shortly", null, false, false);
    }
}
