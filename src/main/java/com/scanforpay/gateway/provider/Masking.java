package com.scanforpay.gateway.provider;

/** Masks payment codes and buyer data before they reach a log line or an exception message. */
public final class Masking {

    private Masking() {
    }

    /** Keeps the wallet prefix (first two digits) and the last four: enough to tell codes apart, not to pay. */
    public static String barcode(String barcode) {
        if (barcode == null) {
            return null;
        }
        // Counted in code points, so that a surrogate pair is never cut in half.
        int length = barcode.codePointCount(0, barcode.length());
        if (length <= 6) {
            return "*".repeat(length);
        }
        return barcode.substring(0, barcode.offsetByCodePoints(0, 2)) + "*".repeat(length - 6)
                + barcode.substring(barcode.offsetByCodePoints(barcode.length(), -4));
    }

    /** Buyer accounts and ids: first and last character only. */
    public static String buyer(String buyer) {
        if (buyer == null) {
            return null;
        }
        // Counted in code points, so that a surrogate pair is never cut in half.
        int length = buyer.codePointCount(0, buyer.length());
        if (length <= 2) {
            return "*".repeat(length);
        }
        return buyer.substring(0, buyer.offsetByCodePoints(0, 1)) + "***"
                + buyer.substring(buyer.offsetByCodePoints(buyer.length(), -1));
    }
}
