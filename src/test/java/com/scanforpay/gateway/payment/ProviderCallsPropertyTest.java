package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.scanforpay.gateway.payment.ProviderReply.Inconclusive;
import com.scanforpay.gateway.testing.HostileInput;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the provider (or anything between) answers, reading it gives a {@link ProviderReply} and never throws:
 * a verified Order or Refund, or Inconclusive (never read as a failure). Examples are in {@link ProviderCallsTest}.
 */
class ProviderCallsPropertyTest {

    @Property(tries = 1000)
    void anyStatusAndBytesEndAsAReply(@ForAll("requests") ProviderRequest request, @ForAll("statuses") int status,
            @ForAll("bytes") byte[] body) {
        ProviderReply reply = read(request, status, body);
        if (status != 200) {
            assertEquals(Inconclusive.Kind.HTTP_STATUS, assertInstanceOf(Inconclusive.class, reply).kind());
        } else if (body.length > ProviderCalls.MAX_ANSWER_SIZE) {
            assertEquals(Inconclusive.Kind.MALFORMED, assertInstanceOf(Inconclusive.class, reply).kind());
        }
    }

    @Property(tries = 1000)
    void signedAnswersWithAnyBodyValuesEndAsAReply(@ForAll("requests") ProviderRequest request,
            @ForAll("answers") String message) {
        ProviderReply reply = read(request, 200, HostileInput.signedResponse(message,
                request.partner().signer()));
        Statistics.collect(reply.getClass().getSimpleName());
        Statistics.coverage(coverage -> {
            coverage.check("Order").count(count -> count > 0);
            coverage.check("Refund").count(count -> count > 0);
            coverage.check("Inconclusive").count(count -> count > 0);
        });
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

    @Provide
    Arbitrary<ProviderRequest> requests() {
        return Arbitraries.of(ProviderCallsTest.PAY, ProviderCallsTest.QUERY, ProviderCallsTest.REFUND)
                .map(ProviderCallsTest.CALLS::request);
    }

    @Provide
    Arbitrary<Integer> statuses() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(200)), Tuple.of(1, Arbitraries.integers()));
    }

    /** Any bytes, and some just past the answer size limit. */
    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.frequencyOf(Tuple.of(19, HostileInput.bytes()), Tuple.of(1,
                Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.bytes()).as((extra, fill) -> {
                    byte[] large = new byte[ProviderCalls.MAX_ANSWER_SIZE + extra];
                    Arrays.fill(large, fill);
                    return large;
                })));
    }

    @Provide
    Arbitrary<String> answers() {
        return Arbitraries.frequencyOf(Tuple.of(9, HostileInput.responseMessage(ProviderCallsTest.PARTNER_NO)),
                Tuple.of(1, HostileInput.jsonText()));
    }
}
