package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void aFailureIsDescribedByItsClassAndMessageOnOneLineWithPaymentCodesMasked() {
        String described = DeadLetters.describe(new IllegalStateException(
                "ERROR: failing row contains (284447106610060508, 2100)\n  Detail: x"));

        assertEquals("IllegalStateException: ERROR: failing row contains (28************0508, 2100) Detail: x",
                described);
    }

    @Test
    void digitsInsideALongerTokenSuchAsAnOrderNumberStay() {
        assertEquals("IllegalStateException: payment p20180725180605466813 of 28************0508",
                DeadLetters.describe(new IllegalStateException("payment p20180725180605466813 of 284447106610060508")));
    }

    @Test
    void theRootCauseIsNamedToo() {
        String described = DeadLetters.describe(new IllegalStateException("could not move payment p1",
                new RuntimeException("wrapped", new java.sql.SQLException("ERROR: injected fault"))));

        assertEquals("IllegalStateException: could not move payment p1 (cause: SQLException: ERROR: injected fault)",
                described);
    }

    @Test
    void aLongMessageIsCut() {
        String described = DeadLetters.describe(new IllegalArgumentException("x".repeat(5000)));

        assertTrue(described.length() < 400, described.length() + " characters");
        assertTrue(described.endsWith("…"));
    }
}
