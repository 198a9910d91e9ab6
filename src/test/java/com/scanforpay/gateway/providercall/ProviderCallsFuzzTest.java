package com.scanforpay.gateway.providercall;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.scanforpay.gateway.providercall.ProviderReply.Inconclusive;
import com.scanforpay.gateway.testing.Fuzz;
import com.scanforpay.gateway.testing.HostileInput;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever the provider (or anything between) answers, reading it gives a {@link ProviderReply} and never throws:
 * a verified Order or Refund, or Inconclusive (never read as a failure). Seeded fuzz runs ({@link Fuzz}); examples
 * are in {@link ProviderCallsTest}.
 */
class ProviderCallsFuzzTest {

    private static final List<ProviderRequest> REQUESTS = List.of(ProviderCallsTest.PAY, ProviderCallsTest.QUERY,
            ProviderCallsTest.REFUND).stream().map(ProviderCallsTest.CALLS::request).toList();

    @Test
    void anyStatusAndBytesEndAsAReply() {
        Fuzz.classify(2000, Answer::of, answer -> {
            ProviderReply reply = read(answer.request(), answer.status(), answer.body());
            if (answer.status() != 200) {
                assertEquals(Inconclusive.Kind.HTTP_STATUS, assertInstanceOf(Inconclusive.class, reply).kind());
                return "not 200";
            }
            if (answer.body().length > ProviderCalls.MAX_ANSWER_SIZE) {
                assertEquals(Inconclusive.Kind.MALFORMED, assertInstanceOf(Inconclusive.class, reply).kind());
                return "too large";
            }
            return "200";
        }).assertOccurred("not 200", "too large", "200");
    }

    @Test
    void signedAnswersWithAnyBodyValuesEndAsAReply() {
        Fuzz.classify(2000, random -> {
            ProviderRequest request = Fuzz.pick(random, REQUESTS);
            String message = random.nextInt(10) == 0 ? HostileInput.jsonText(random)
                    : HostileInput.responseMessage(random, ProviderCallsTest.PARTNER_NO);
            return new Answer(request, 200, HostileInput.signedResponse(message, request.partner().signer()));
        }, answer -> read(answer.request(), answer.status(), answer.body()).getClass().getSimpleName())
                .assertOccurred("Order", "Refund", "Inconclusive");
    }

    /** Reads the answer; the reply is of the request's kind (a refund answer for a refund) and carries its id. */
    private static ProviderReply read(ProviderRequest request, int status, byte[] body) {
        ProviderReply reply = assertDoesNotThrow(() -> ProviderCallsTest.CALLS.read(request, status, body));
        assertNotNull(reply);
        assertEquals(request.reqMsgId(), reply.reqMsgId());
        if (!(reply instanceof Inconclusive inconclusive)) {
            assertEquals(ProviderCalls.REFUND_PATH.equals(request.path()), reply instanceof ProviderReply.Refund);
        } else {
            assertNotNull(inconclusive.kind());
            assertNotNull(inconclusive.reason());
        }
        return reply;
    }

    /** An answer to one of the requests: its HTTP status and body. */
    record Answer(ProviderRequest request, int status, byte[] body) {

        /** Status 200 four times in five, else any; any bytes, and one time in twenty just past the size limit. */
        static Answer of(Random random) {
            int status = random.nextInt(5) < 4 ? 200 : Fuzz.anyInt(random);
            byte[] body;
            if (random.nextInt(20) == 0) {
                body = new byte[ProviderCalls.MAX_ANSWER_SIZE + Fuzz.between(random, 1, 3)];
                Arrays.fill(body, (byte) random.nextInt(256));
            } else {
                body = HostileInput.bytes(random);
            }
            return new Answer(Fuzz.pick(random, REQUESTS), status, body);
        }

        @Override
        public String toString() {
            return request.path() + ", status " + status + ", body " + Fuzz.describe(body);
        }
    }
}
