package com.scanforpay.gateway.publishing;

/**
 * The same result (order, type, outcome) is being published right now by another path or instance. Not a
 * failure: try again shortly, and it is then either published or a recognised repeat.
 */
public final class ResultBeingPublishedException extends RuntimeException {

    /** @param what what is being published, e.g. {@code result <key>} */
    public ResultBeingPublishedException(String what) {
        super(what + " is being published by another path; try again shortly", null, false, false);
    }
}
