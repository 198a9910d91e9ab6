package com.scanforpay.gateway.command;

/**
 * Text read from outside that the gateway stores, logs and forwards: PostgreSQL refuses NUL in {@code text}, a line
 * break in a log line or header forges another, and an unpaired surrogate cannot be encoded as UTF-8 at all.
 */
public final class CleanText {

    static final String CONTROL = "must not contain control characters";
    static final String UNPAIRED_SURROGATE = "must not contain unpaired surrogates (it is not valid Unicode)";

    private CleanText() {
    }

    /** What is wrong with {@code value}, as a phrase following its field name; {@code null} when nothing is. */
    public static String problem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return CONTROL;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return UNPAIRED_SURROGATE;
            }
        }
        return null;
    }
}
