package com.scanforpay.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.command.ParsedCommand;
import com.scanforpay.gateway.command.RejectionCode;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Problems that the in-JVM tests cannot provoke through HTTP: a command too large, an unexpected failure. */
class ProblemAnswersTest {

    @Test
    void aCommandTooLargeIs413AndOtherRejectionsAre400() {
        Problem tooLarge = Problem.rejectedCommand(new ParsedCommand.Rejected(RejectionCode.TOO_LARGE,
                List.of(new FieldError("$", "command is larger than 8192 bytes")), null, null, null));
        assertEquals(413, tooLarge.status());
        assertEquals("urn:scanforpay:problem:too-large", tooLarge.type());
        assertEquals(Problem.MEDIA_TYPE, tooLarge.response().getMediaType().toString());

        Problem missing = Problem.rejectedCommand(new ParsedCommand.Rejected(RejectionCode.MISSING_FIELD,
                List.of(new FieldError("barcode", "is required")), CommandType.PAY, "o1", null));
        assertEquals(400, missing.status());
        assertEquals("urn:scanforpay:problem:invalid-command", missing.type());
    }

    @Test
    void anUnexpectedFailureIs500WithoutItsInternals() {
        Response response = new PaymentsResource().unexpected(new IllegalStateException("secret internals at "
                + "com.scanforpay.gateway.Something"), "GET /payments/o1");

        assertEquals(500, response.getStatus());
        assertEquals(Problem.MEDIA_TYPE, response.getMediaType().toString());
        String body = new String((byte[]) response.getEntity(), StandardCharsets.UTF_8);
        assertFalse(body.contains("secret") || body.contains("IllegalState") || body.contains("com.scanforpay"), body);
    }
}
