package com.scanforpay.gateway.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.scanforpay.gateway.payment.CleanText;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.testing.HostileInput;
import com.scanforpay.gateway.testing.Notifications;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever is posted to the notify endpoint, the reader ends it as a verified notification or a
 * {@link RejectedNotificationException} (MALFORMED, BAD_SIGNATURE, UNKNOWN_PARTNER), nothing else; and a verified one
 * passed every documented check. Examples with exact reasons are in {@link NotifyCallbacksTest}.
 */
class NotifyCallbacksPropertyTest {

    private static final Set<NotifyVerdict> REFUSALS = Set.of(NotifyVerdict.MALFORMED, NotifyVerdict.BAD_SIGNATURE,
            NotifyVerdict.UNKNOWN_PARTNER);

    private final NotifyCallbacks callbacks = NotifyCallbacksTest.callbacks();
    private final Notifications notifications = new Notifications(NotifyCallbacksTest.PARTNER_NO,
            NotifyCallbacksTest.KEY);

    @Property(tries = 1000)
    void anyBytesAreVerifiedOrRefused(@ForAll("bytes") byte[] raw) {
        read(raw);
    }

    @Property(tries = 1000)
    void signedEnvelopesWithAnyBodyValuesAreVerifiedOrRefused(@ForAll("signedNotifications") byte[] raw) {
        String outcome = read(raw);
        Statistics.collect(outcome);
        Statistics.coverage(coverage -> {
            coverage.check("VERIFIED").count(count -> count > 0);
            coverage.check("MALFORMED").count(count -> count > 0);
            coverage.check("UNKNOWN_PARTNER").count(count -> count > 0);
            coverage.check("BAD_SIGNATURE").count(count -> count > 0);
        });
    }

    @Property(tries = 1000)
    void aSignedBodyIsVerifiedExactlyWhenItPassesTheDocumentedChecks(@ForAll("bodies") OrderResult body) {
        // as it travels: UTF-8 has no lone surrogates, the sealed bytes carry '?' instead
        String order = body.partnerOrderNo() == null ? null
                : new String(body.partnerOrderNo().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        boolean valid = order != null && !order.isBlank() && order.length() <= 32 && CleanText.problem(order) == null
                && body.code() != null && body.status() != null && body.status() >= 0 && body.status() <= 3
                && body.orderAmount() != null && body.orderAmount() > 0;
        String outcome = read(notifications.signed(body));
        assertEquals(valid ? "VERIFIED" : "MALFORMED", outcome, body.toString());
        Statistics.collect(outcome);
        Statistics.coverage(coverage -> coverage.check("VERIFIED").percentage(share -> share > 10));
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

    @Provide
    Arbitrary<byte[]> bytes() {
        return HostileInput.bytes();
    }

    /** Response envelopes signed by the partner's key (sometimes another key) over messages of any content. */
    @Provide
    Arbitrary<byte[]> signedNotifications() {
        Arbitrary<ScanForPaySigner> signer = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.just(new ScanForPaySigner(NotifyCallbacksTest.KEY))),
                Tuple.of(1, Arbitraries.just(new ScanForPaySigner("someone-elses-key"))));
        Arbitrary<String> message = Arbitraries.frequencyOf(
                Tuple.of(9, HostileInput.responseMessage(NotifyCallbacksTest.PARTNER_NO)),
                Tuple.of(1, HostileInput.jsonText()));
        return Combinators.combine(message, signer).as(HostileInput::signedResponse);
    }

    /** Typed bodies, as the sandbox and tests sign them, each field valid, invalid or absent. */
    @Provide
    Arbitrary<OrderResult> bodies() {
        Arbitrary<String> order = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(32)),
                Tuple.of(2, HostileInput.string()),
                Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofLength(33)),
                Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<Integer> code = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(1)),
                Tuple.of(2, Arbitraries.integers()), Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<Integer> status = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().between(0, 3)),
                Tuple.of(2, Arbitraries.integers()), Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<Integer> amount = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().greaterOrEqual(1)),
                Tuple.of(2, Arbitraries.integers()), Tuple.of(1, Arbitraries.just(null)));
        Arbitrary<String> text = HostileInput.string().injectNull(0.2);
        return Combinators.combine(code, text, order, amount, status, text, text)
                .as((c, msg, o, a, st, wallet, buyer) -> new OrderResult(c, msg, "SFP1", o, a, wallet, st,
                        "2026-11-26T10:00:00+08:00", "JPY", buyer, null));
    }
}
