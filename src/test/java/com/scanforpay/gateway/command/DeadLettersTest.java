package com.scanforpay.gateway.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
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
    void aDeadLetterTooLargeForItsTopicKeepsTheFirstBytesOfItsValueAndKeyAndSaysHowLongTheyWere() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange letter = new DefaultExchange(context);
            letter.getMessage().setBody(new byte[5000]);
            letter.getMessage().setHeader(KafkaConstants.KEY, new byte[1_048_000]);

            DeadLetters.truncate(letter, 4096);

            assertEquals(4096, letter.getMessage().getBody(byte[].class).length);
            assertEquals("5000", letter.getMessage().getHeader(DeadLetters.VALUE_TRUNCATED));
            assertEquals(DeadLetters.MAX_KEPT_KEY, letter.getMessage().getHeader(KafkaConstants.KEY, byte[].class)
                    .length);
            assertEquals("1048000", letter.getMessage().getHeader(DeadLetters.KEY_TRUNCATED));
        }
    }

    @Test
    void aLongMessageIsCut() {
        String described = DeadLetters.describe(new IllegalArgumentException("x".repeat(5000)));

        assertTrue(described.length() < 400, described.length() + " characters");
        assertTrue(described.endsWith("…"));
    }
}
