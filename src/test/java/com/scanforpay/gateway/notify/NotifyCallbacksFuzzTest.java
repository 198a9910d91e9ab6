package com.scanforpay.gateway.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.scanforpay.gateway.command.CleanText;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.testing.Fuzz;
import com.scanforpay.gateway.testing.HostileInput;
import com.scanforpay.gateway.testing.Notifications;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Whatever is posted to the notify endpoint, the reader ends it as a verified notification or a
 * {@link RejectedNotificationException} (MALFORMED, BAD_SIGNATURE, UNKNOWN_PARTNER), nothing else; and a verified one
 * passed every documented check. Seeded fuzz runs ({@link Fuzz}); examples with exact reasons are in
 * {@link NotifyCallbacksTest}.
 */
class NotifyCallbacksFuzzTest {

    private static final Set<NotifyVerdict> REFUSALS = Set.of(NotifyVerdict.MALFORMED, NotifyVerdict.BAD_SIGNATURE,
            NotifyVerdict.UNKNOWN_PARTNER);
    private static final ScanForPaySigner PARTNER_SIGNER = new ScanForPaySigner(NotifyCallbacksTest.KEY);
    private static final ScanForPaySigner OTHER_SIGNER = new ScanForPaySigner("someone-elses-key");

    private final NotifyCallbacks callbacks = NotifyCallbacksTest.callbacks();
    private final Notifications notifications = new Notifications(NotifyCallbacksTest.PARTNER_NO,
            NotifyCallbacksTest.KEY);

    @Test
    void anyBytesAreVerifiedOrRefused() {
        Fuzz.forAll(2000, HostileInput::bytes, this::read);
    }

    @Test
    void signedEnvelopesWithAnyBodyValuesAreVerifiedOrRefused() {
        Fuzz.classify(2000, NotifyCallbacksFuzzTest::signedNotification, this::read)
                .assertOccurred("VERIFIED", "MALFORMED", "UNKNOWN_PARTNER", "BAD_SIGNATURE");
    }

    @Test
    void aSignedBodyIsVerifiedExactlyWhenItPassesTheDocumentedChecks() {
        Fuzz.classify(2000, NotifyCallbacksFuzzTest::body, body -> {
            // as it travels: UTF-8 has no lone surrogates, the sealed bytes carry '?' instead
            String order = body.partnerOrderNo() == null ? null
                    : new String(body.partnerOrderNo().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            boolean valid = order != null && !order.isBlank() && order.length() <= 32
                    && CleanText.problem(order) == null && body.code() != null && body.status() != null
                    && body.status() >= 0 && body.status() <= 3 && body.orderAmount() != null
                    && body.orderAmount() > 0;
            String outcome = read(notifications.signed(body));
            assertEquals(valid ? "VERIFIED" : "MALFORMED", outcome, body.toString());
            return outcome;
        }).assertShareOver("VERIFIED", 10).assertOccurred("MALFORMED");
    }

    /** Reads {@code raw}: "VERIFIED" (having checked the result) or the verdict of a refusal; anything else fails. */
    private String read(byte[] raw) {
        NotifyCallbacks.Verified verified;
        try {
            verified = callbacks.read(raw);
        } catch (RejectedNotificationException e) {
            assertTrue(REFUSALS.contains(e.verdict()), e.verdict().name());
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
            return e.verdict().name();
        } catch (Throwable e) {
            return fail("read threw " + e, e);
        }
        assertNotNull(verified.partner());
        String order = verified.result().partnerOrderNo();
        assertTrue(order != null && !order.isBlank() && order.length() <= 32, order);
        assertNull(CleanText.problem(order));
        assertNotNull(verified.result().code());
        assertTrue(verified.result().status() >= 0 && verified.result().status() <= 3);
        assertTrue(verified.result().orderAmount() > 0);
        return "VERIFIED";
    }

    /** A response envelope signed by the partner's key (one time in ten another key) over a message of any content. */
    private static byte[] signedNotification(Random random) {
        String message = random.nextInt(10) == 0 ? HostileInput.jsonText(random)
                : HostileInput.responseMessage(random, NotifyCallbacksTest.PARTNER_NO);
        return HostileInput.signedResponse(message, random.nextInt(10) == 0 ? OTHER_SIGNER : PARTNER_SIGNER);
    }

    /** A typed body, as the sandbox and tests sign them, each field valid, invalid or absent. */
    private static OrderResult body(Random random) {
        String order = switch (random.nextInt(10)) {
            case 0, 1, 2, 3, 4, 5 -> Fuzz.chars(random, '!', '~', 1, 32);
            case 6, 7 -> HostileInput.string(random);
            case 8 -> Fuzz.chars(random, 'a', 'z', 33, 33);
            default -> null;
        };
        Integer code = validInvalidOrNull(random, 1, Fuzz.anyInt(random));
        Integer status = validInvalidOrNull(random, Fuzz.between(random, 0, 3), Fuzz.anyInt(random));
        Integer amount = validInvalidOrNull(random, Fuzz.positive(random), Fuzz.anyInt(random));
        return new OrderResult(code, text(random), "SFP1", order, amount, text(random), status,
                "2026-11-26T10:00:00+08:00", "JPY", text(random), null);
    }

    /** {@code valid} six times in nine, {@code any} (which may be valid too) twice, else null. */
    private static Integer validInvalidOrNull(Random random, int valid, int any) {
        int draw = random.nextInt(9);
        return draw < 6 ? Integer.valueOf(valid) : draw < 8 ? Integer.valueOf(any) : null;
    }

    private static String text(Random random) {
        return random.nextInt(5) == 0 ? null : HostileInput.string(random);
    }
}
