package com.scanforpay.gateway.publishing;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.ResultSource;
import com.scanforpay.gateway.providercall.ProviderReply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.scanforpay.gateway.provider.RefundResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** How refund answers become results (docs/contract.md §3.2): every combination of code and status. */
class PaymentResultsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T01:02:03Z"), ZoneOffset.UTC);
    private static final PaymentCommand REFUND = new PaymentCommand(CommandType.REFUND, null, "po-1", null, null, 600,
            null, null, null, "rf-1");

    private final PaymentResults results = new PaymentResults(CLOCK);

    @Test
    void aRefundAcceptedIsMappedByItsStatus() {
        assertEquals(Outcome.PENDING, outcome(1, 0), "processing: a final answer may follow");
        assertEquals(Outcome.SUCCESS, outcome(1, 1), "done");
        assertEquals(Outcome.FAILED, outcome(1, 2), "failed: nothing refunded");
    }

    @Test
    void aRefundAcceptedWithAStatusNoOneKnowsIsUnknown() {
        assertEquals(Outcome.UNKNOWN, outcome(1, 3), "3 is a payment's status, not a refund's");
        assertEquals(Outcome.UNKNOWN, outcome(1, -1));
        assertEquals(Outcome.UNKNOWN, outcome(1, null), "accepted, but how it ended is not said");
    }

    @Test
    void aRefundRefusedByTheProviderIsFailedWhateverItsStatus() {
        for (int code : new int[] {0, 10, 12, 30, 40, 41, 42, 51}) {
            assertEquals(Outcome.FAILED, outcome(code, null), "code " + code);
            assertEquals(Outcome.FAILED, outcome(code, 1), "code " + code + " with a stray status 1 is no success");
        }
    }

    @Test
    void aRefundAnswerWithoutCodeIsUnknownNeverFailed() {
        assertEquals(Outcome.UNKNOWN, outcome(null, null));
        assertEquals(Outcome.UNKNOWN, outcome(null, 1));
        assertEquals(Outcome.UNKNOWN, outcome(null, 2));
    }

    @Test
    void aRefundResultCarriesTheProvidersAnswerAndTheRefundNo() {
        PaymentResult refused = results.of(REFUND, new ProviderReply.Refund(
                new RefundResult(42, "refund amount exceeds paid amount", null, null, null), "req-42"));
        assertEquals(new PaymentResult("po-1", CommandType.REFUND, Outcome.FAILED, ResultSource.REFUND_RESPONSE, 42,
                "refund amount exceeds paid amount", null, null, null, null, null, null, null, null, "rf-1", null,
                "req-42", "2026-11-26T01:02:03Z"), refused);

        PaymentResult failed = results.of(REFUND, new ProviderReply.Refund(
                new RefundResult(1, "success", 600, 2, "JPY"), "req-2"));
        assertEquals(new PaymentResult("po-1", CommandType.REFUND, Outcome.FAILED, ResultSource.REFUND_RESPONSE, 1,
                "success", 2, null, 600, "JPY", null, null, null, null, "rf-1", null, "req-2",
                "2026-11-26T01:02:03Z"), failed);

        PaymentResult processing = results.of(REFUND, new ProviderReply.Refund(
                new RefundResult(1, "success", 600, 0, "JPY"), "req-0"));
        assertEquals(Outcome.PENDING, processing.outcome());
        assertEquals(0, processing.status());
        assertEquals(600, processing.orderAmount());
    }

    @Test
    void aRefundCallWithoutAConclusiveAnswerIsUnknownAndKeepsTheCommandsAmount() {
        PaymentResult unknown = results.of(REFUND, new ProviderReply.Inconclusive(
                ProviderReply.Inconclusive.Kind.TIMEOUT, "no answer within 2s", "req-t"));
        assertEquals(Outcome.UNKNOWN, unknown.outcome());
        assertEquals(ResultSource.REFUND_RESPONSE, unknown.source());
        assertEquals(600, unknown.orderAmount());
        assertEquals("rf-1", unknown.refundNo());
        assertEquals("no answer within 2s", unknown.msg());
    }

    private static Outcome outcome(Integer code, Integer status) {
        return PaymentResults.refundOutcome(new RefundResult(code, "msg", 600, status, "JPY"));
    }
}
