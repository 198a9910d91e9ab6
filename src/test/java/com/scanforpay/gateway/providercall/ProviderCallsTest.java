package com.scanforpay.gateway.providercall;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.providercall.ProviderReply.Inconclusive;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.RefundResult;
import com.scanforpay.gateway.provider.ResponseHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading the provider's answers: examples of what is not read. The fuzz tests: {@link ProviderCallsFuzzTest}. */
class ProviderCallsTest {

    static final String PARTNER_NO = "10001";
    static final String KEY = "provider-calls-test-key";
    static final ProviderCalls CALLS = new ProviderCalls(new ScanForPayEnvelope(new ObjectMapper()),
            Partners.single(new Partner(Partners.DEFAULT, PARTNER_NO, new ScanForPaySigner(KEY),
                    "https://pay.scanforpay.com"), Optional.of("100010000000002")),
            Optional.empty(), Clock.systemUTC());
    static final PaymentCommand PAY = new PaymentCommand(CommandType.PAY, "100010000000002", "p1", null,
            "284447106610060508", 2100, null, null, null, null);
    static final PaymentCommand QUERY = new PaymentCommand(CommandType.QUERY, "100010000000002", "p1", null, null,
            null, null, null, null, null);
    static final PaymentCommand REFUND = new PaymentCommand(CommandType.REFUND, null, "p1", null, null, 600, null,
            null, null, "r1");

    private final ProviderRequest pay = CALLS.request(PAY);

    @Test
    void anAnswerLargerThan64KbIsMalformedWithoutBeingRead() {
        byte[] answer = padded(signedPaidAnswer(), ProviderCalls.MAX_ANSWER_SIZE + 1);
        Inconclusive reply = assertInstanceOf(Inconclusive.class, CALLS.read(pay, 200, answer));
        assertEquals(Inconclusive.Kind.MALFORMED, reply.kind());
        assertEquals("provider response is malformed: 65537 bytes, larger than 65536; not read", reply.reason());
        assertEquals(pay.reqMsgId(), reply.reqMsgId());
    }

    @Test
    void anAnswerOfExactly64KbIsRead() {
        // the padding lies outside the signed "response" member
        ProviderReply reply = CALLS.read(pay, 200, padded(signedPaidAnswer(), ProviderCalls.MAX_ANSWER_SIZE));
        assertEquals(OrderResult.STATUS_PAID, assertInstanceOf(ProviderReply.Order.class, reply).body().status());
    }

    @Test
    void noBodyIsMalformed() {
        Inconclusive reply = assertInstanceOf(Inconclusive.class, CALLS.read(pay, 200, null));
        assertEquals(Inconclusive.Kind.MALFORMED, reply.kind());
        assertEquals("provider response is malformed: message is not a JSON object", reply.reason());
    }

    @Test
    void deepNestingIsMalformed() {
        byte[] deep = ("{\"response\":{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "},\"signature\":\"00\"}")
                .getBytes(StandardCharsets.UTF_8);
        Inconclusive reply = assertInstanceOf(Inconclusive.class, CALLS.read(pay, 200, deep));
        assertEquals(Inconclusive.Kind.MALFORMED, reply.kind());
        assertEquals("provider response is malformed: message is not valid JSON", reply.reason());
    }

    @Test
    void anAnswerSignedWithOurKeyButNamingAnotherPartnerProvesNothing() {
        for (String partnerNo : Arrays.asList("99999", null)) {
            Inconclusive reply = assertInstanceOf(Inconclusive.class, CALLS.read(pay, 200, signedPaidAnswer(partnerNo)));
            assertEquals(Inconclusive.Kind.MISMATCH, reply.kind());
            assertEquals("provider answer's header does not name partnerNo 10001", reply.reason());
        }
    }

    @Test
    void aRefundAnswerNamingAnotherPartnerProvesNothing() {
        byte[] done = new ScanForPayEnvelope(new ObjectMapper(), new ScanForPaySigner(KEY)).seal(
                ScanForPayEnvelope.RESPONSE,
                new ResponseHeader("99999", "2026-12-02T10:00:00+08:00", "SHA256", "1.0", "m1", null),
                new RefundResult(1, "success", 600, 1, "JPY")).bytes();
        Inconclusive reply = assertInstanceOf(Inconclusive.class, CALLS.read(CALLS.request(REFUND), 200, done));
        assertEquals(Inconclusive.Kind.MISMATCH, reply.kind());
    }

    private static byte[] signedPaidAnswer() {
        return signedPaidAnswer(PARTNER_NO);
    }

    private static byte[] signedPaidAnswer(String partnerNo) {
        return new ScanForPayEnvelope(new ObjectMapper(), new ScanForPaySigner(KEY)).seal(ScanForPayEnvelope.RESPONSE,
                new ResponseHeader(partnerNo, "2026-12-02T10:00:00+08:00", "SHA256", "1.0", "m1", null),
                new OrderResult(1, "success", "SFP1", "p1", 2100, "Alipay", 1, null, "JPY", null, null)).bytes();
    }

    private static byte[] padded(byte[] answer, int size) {
        byte[] padded = Arrays.copyOf(answer, size);
        Arrays.fill(padded, answer.length, size, (byte) ' ');
        return padded;
    }
}
