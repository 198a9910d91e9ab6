package com.scanforpay.gateway.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.publishing.PaymentResults;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.testing.HostileInput;
import com.scanforpay.gateway.testing.Notifications;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The notify reader on its own (plain Java): one example per kind of refused notification, with its verdict and
 * exact reason. {@code NotifyCallbackTest} covers the endpoint over HTTP; the fuzz tests are in
 * {@link NotifyCallbacksFuzzTest}.
 */
class NotifyCallbacksTest {

    static final String PARTNER_NO = "10001";
    static final String KEY = "notify-unit-test-key";
    static final Partners PARTNERS = Partners.single(new Partner(Partners.DEFAULT, PARTNER_NO,
            new ScanForPaySigner(KEY), "https://pay.scanforpay.com"), Optional.of("100010000000002"));

    private final NotifyCallbacks callbacks = callbacks();
    private final Notifications notifications = new Notifications(PARTNER_NO, KEY);

    static NotifyCallbacks callbacks() {
        return new NotifyCallbacks(new ScanForPayEnvelope(new ObjectMapper()), PARTNERS,
                new PaymentResults(Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC)));
    }

    @Test
    void aSignedNotificationOfAKnownPartnerIsVerified() {
        NotifyCallbacks.Verified verified = callbacks.read(notifications.signed("p1", OrderResult.STATUS_PAID, 2100));
        assertEquals(PARTNERS.defaultPartner(), verified.partner());
        PaymentResult result = verified.result();
        assertEquals("p1", result.partnerOrderNo());
        assertEquals(Outcome.SUCCESS, result.outcome());
        assertEquals(2100, result.orderAmount());
    }

    @Test
    void aBodyWithoutCodeIsMalformed() {
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: code is missing",
                notifications.signed(body(null, "p1", 1, 2100)));
    }

    @Test
    void aBodyWithoutOrderStatusOrAmountIsMalformed() {
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: partnerOrderNo is missing",
                notifications.signed(body(1, null, 1, 2100)));
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: status is missing",
                notifications.signed(body(1, "p1", null, 2100)));
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: status must be 0, 1, 2 or 3",
                notifications.signed(body(1, "p1", 4, 2100)));
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: orderAmount is missing",
                notifications.signed(body(1, "p1", 1, null)));
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: orderAmount must be positive",
                notifications.signed(body(1, "p1", 1, 0)));
    }

    @Test
    void anOrderNumberWithControlCharactersOrUnpairedSurrogatesIsMalformed() {
        // it would key the ledger (PostgreSQL refuses NUL) and forge log lines
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: partnerOrderNo must not contain control "
                + "characters", notifications.signed(body(1, "p\u00001", 1, 2100)));
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: partnerOrderNo must not contain control "
                + "characters", notifications.signed(body(1, "p1\nALERT forged", 1, 2100)));
        // written by hand: a serialiser's UTF-8 would turn the lone surrogate into '?' before signing
        String message = "{\"header\":{\"partnerNo\":\"" + PARTNER_NO + "\"},\"body\":{\"code\":1,"
                + "\"partnerOrderNo\":\"p\\ud8001\",\"status\":1,\"orderAmount\":2100}}";
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: partnerOrderNo must not contain unpaired "
                + "surrogates (it is not valid Unicode)", HostileInput.signedResponse(message,
                new ScanForPaySigner(KEY)));
    }

    @Test
    void emptyOrMissingBytesAreMalformed() {
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: message is not a JSON object", new byte[0]);
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: message is not a JSON object", null);
    }

    @Test
    void whatJacksonsOwnLimitsRefuseIsMalformed() {
        String deep = "{\"response\":{\"x\":" + "[".repeat(1500) + "]".repeat(1500) + "},\"signature\":\"00\"}";
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: message is not valid JSON", utf8(deep));
        String longNumber = "{\"response\":{\"x\":" + "9".repeat(1500) + "},\"signature\":\"00\"}";
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: message is not valid JSON", utf8(longNumber));
        String longName = "{\"response\":{\"" + "n".repeat(50_001) + "\":1},\"signature\":\"00\"}";
        assertRefused(NotifyVerdict.MALFORMED, "malformed notification: message is not valid JSON", utf8(longName));
    }

    @Test
    void aWrongSignatureOrAnUnknownPartnerIsRefused() {
        assertRefused(NotifyVerdict.BAD_SIGNATURE, "bad signature: signature does not match the message",
                new Notifications(PARTNER_NO, "someone-elses-key").signed("p1", OrderResult.STATUS_PAID, 2100));
        assertRefused(NotifyVerdict.UNKNOWN_PARTNER, "unknown partner: no sign key for partnerNo 30003",
                new Notifications("30003", KEY).signed("p1", OrderResult.STATUS_PAID, 2100));
    }

    static OrderResult body(Integer code, String partnerOrderNo, Integer status, Integer amount) {
        return new OrderResult(code, "success", "SFP1", partnerOrderNo, amount, "Alipay", status,
                "2026-11-26T10:00:00+08:00", "JPY", null, null);
    }

    private void assertRefused(NotifyVerdict verdict, String reason, byte[] raw) {
        RejectedNotificationException refused = assertThrows(RejectedNotificationException.class,
                () -> callbacks.read(raw));
        assertEquals(verdict, refused.verdict(), refused.getMessage());
        assertEquals(reason, refused.getMessage());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
