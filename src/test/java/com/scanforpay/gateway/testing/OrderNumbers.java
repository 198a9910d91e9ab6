package com.scanforpay.gateway.testing;

import java.util.UUID;

/**
 * Order and refund numbers for the tests: random, so unique across test classes on the shared broker and database
 * and across runs against the database kept between them. A prefix lets a test (or a trigger it installs) tell its
 * orders apart.
 */
public final class OrderNumbers {

    /** The longest partnerOrderNo or refundNo a command may carry. */
    public static final int MAX_LENGTH = 32;
    private static final int DIGITS = 24;

    private OrderNumbers() {
    }

    /** 24 random hex digits. */
    public static String next() {
        return next("");
    }

    /** {@code prefix} and 24 random hex digits. */
    public static String next(String prefix) {
        return next(prefix, DIGITS);
    }

    /** {@code prefix} and {@code digits} random hex digits (at most 32). */
    public static String next(String prefix, int digits) {
        if (digits < 1 || digits > 32) {
            throw new IllegalArgumentException("1 to 32 random digits, not " + digits);
        }
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, digits);
    }

    /** {@code prefix} and random hex digits up to the longest number allowed, {@link #MAX_LENGTH} characters. */
    public static String longest(String prefix) {
        return next(prefix, MAX_LENGTH - prefix.length());
    }
}
