package com.scanforpay.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The signature rule of docs/provider-protocol.md §3, {@code hex(sha256(json + signKey))}, checked against vectors computed outside
 * Java with coreutils' {@code sha256sum}.
 */
class ScanForPaySignerTest {

    private static final String KEY = "k3y-SandBox-2018";
    private static final String OTHER_KEY = "k3y-SandBox-2019";

    private static final String ASCII_JSON = "{\"header\":{\"partnerNo\":\"10001\"},\"body\":{\"code\":1,\"msg\":\"success\"}}";
    /*
     * printf '%s' '{"header":{"partnerNo":"10001"},"body":{"code":1,"msg":"success"}}k3y-SandBox-2018' | sha256sum
     */
    private static final String ASCII_SIGNATURE = "c8374931a86f1aad7ad6525141a252da6f2769cc2b6b2689409b107866b2d0e2";

    private static final String CHINESE_JSON = "{\"header\":{\"partnerNo\":\"10001\"},\"body\":{\"code\":30,\"msg\":\"订单不存在\"}}";
    /*
     * printf '%s' '{"header":{"partnerNo":"10001"},"body":{"code":30,"msg":"订单不存在"}}k3y-SandBox-2018' | sha256sum
     * (run in a UTF-8 shell: 订单不存在 is the 15 bytes e8 ae a2 e5 8d 95 e4 b8 8d e5 ad 98 e5 9c a8)
     */
    private static final String CHINESE_SIGNATURE = "ea8831baf83ff746cb2d94ee73b37011e26cfa70b6b3a09fe7205a0ceb3e8f7c";
    /*
     * printf '%s' '{"header":{"partnerNo":"10001"},"body":{"code":30,"msg":"订单不存在"}}k3y-SandBox-2019' | sha256sum
     */
    private static final String CHINESE_SIGNATURE_OTHER_KEY =
            "86c73f50c73a4b9f1e3d50a2b5d0bcd6602f762ed95e25cac63e9ed5386ae60d";
    /*
     * printf '%s' 'k3y-SandBox-2018' | sha256sum
     */
    private static final String EMPTY_JSON_SIGNATURE = "53d5f9268a6d994096ca006cb312ee5e7db156d86049faf46062b1f60a0ba5ef";

    private final ScanForPaySigner signer = new ScanForPaySigner(KEY);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signsAsciiJsonLikeSha256sum() {
        assertEquals(ASCII_SIGNATURE, signer.sign(ASCII_JSON));
    }

    @Test
    void signsTheUtf8BytesOfNonAsciiText() {
        assertEquals(CHINESE_SIGNATURE, signer.sign(CHINESE_JSON));
    }

    @Test
    void signsTheKeyAloneForEmptyJson() {
        assertEquals(EMPTY_JSON_SIGNATURE, signer.sign(""));
    }

    @Test
    void signsAByteSliceLikeTheWholeString() {
        byte[] inner = utf8(CHINESE_JSON);
        byte[] framed = new byte[inner.length + 7];
        framed[0] = 'x';
        framed[1] = 'y';
        framed[2] = 'z';
        System.arraycopy(inner, 0, framed, 3, inner.length);
        framed[framed.length - 1] = '!';
        assertEquals(CHINESE_SIGNATURE, signer.sign(framed, 3, inner.length));
        assertDoesNotThrow(() -> signer.verify(framed, 3, inner.length, CHINESE_SIGNATURE));
        // One byte too many or too few is another message.
        assertThrows(SignatureMismatchException.class,
                () -> signer.verify(framed, 3, inner.length + 1, CHINESE_SIGNATURE));
        assertThrows(SignatureMismatchException.class,
                () -> signer.verify(framed, 3, inner.length - 1, CHINESE_SIGNATURE));
    }

    @Test
    void signatureIsLowercaseHexOf64Characters() {
        String signature = signer.sign(CHINESE_JSON);
        assertEquals(64, signature.length());
        assertTrue(signature.matches("[0-9a-f]{64}"), signature);
    }

    @Test
    void differentKeyGivesTheOtherVector() {
        assertEquals(CHINESE_SIGNATURE_OTHER_KEY, new ScanForPaySigner(OTHER_KEY).sign(CHINESE_JSON));
    }

    @Test
    void verifyAcceptsTheLowercaseVector() {
        assertDoesNotThrow(() -> signer.verify(utf8(ASCII_JSON), 0, utf8(ASCII_JSON).length, ASCII_SIGNATURE));
        assertDoesNotThrow(() -> signer.verify(utf8(CHINESE_JSON), 0, utf8(CHINESE_JSON).length, CHINESE_SIGNATURE));
    }

    @Test
    void verifyAcceptsUppercaseAndMixedCaseHex() {
        byte[] raw = utf8(CHINESE_JSON);
        assertDoesNotThrow(() -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE.toUpperCase(Locale.ROOT)));
        StringBuilder mixed = new StringBuilder();
        for (int i = 0; i < CHINESE_SIGNATURE.length(); i++) {
            char c = CHINESE_SIGNATURE.charAt(i);
            mixed.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
        }
        assertDoesNotThrow(() -> signer.verify(raw, 0, raw.length, mixed.toString()));
    }

    @Test
    void verifyRejectsTruncatedSignature() {
        byte[] raw = utf8(CHINESE_JSON);
        SignatureMismatchException e = assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE.substring(0, 63)));
        assertEquals("signature must be 64 hex characters", e.getMessage());
        // A prefix that is still whole bytes is rejected as well.
        assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE.substring(0, 62)));
        assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE.substring(0, 32)));
    }

    @Test
    void verifyRejectsOverlongSignature() {
        byte[] raw = utf8(CHINESE_JSON);
        assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE + "00"));
        assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE + " "));
    }

    @Test
    void verifyRejectsNonHexOfTheRightLength() {
        byte[] raw = utf8(CHINESE_JSON);
        String nonHex = "g" + CHINESE_SIGNATURE.substring(1);
        SignatureMismatchException e = assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, nonHex));
        assertEquals("signature is not hexadecimal", e.getMessage());
        String withSpace = " " + CHINESE_SIGNATURE.substring(1);
        assertThrows(SignatureMismatchException.class, () -> signer.verify(raw, 0, raw.length, withSpace));
        String fullWidth = "\uFF10" + CHINESE_SIGNATURE.substring(1); // FULLWIDTH DIGIT ZERO
        assertThrows(SignatureMismatchException.class, () -> signer.verify(raw, 0, raw.length, fullWidth));
    }

    @Test
    void verifyRejectsMissingOrEmptySignature() {
        byte[] raw = utf8(CHINESE_JSON);
        SignatureMismatchException missing = assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, null));
        assertEquals("signature is missing", missing.getMessage());
        SignatureMismatchException empty = assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, ""));
        assertEquals("signature is missing", empty.getMessage());
    }

    @Test
    void verifyRejectsSignatureMadeWithAnotherKey() {
        byte[] raw = utf8(CHINESE_JSON);
        SignatureMismatchException e = assertThrows(SignatureMismatchException.class,
                () -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE_OTHER_KEY));
        assertEquals("signature does not match the message", e.getMessage());
        // And the other key's signer rejects ours.
        assertThrows(SignatureMismatchException.class,
                () -> new ScanForPaySigner(OTHER_KEY).verify(raw, 0, raw.length, CHINESE_SIGNATURE));
    }

    @Test
    void verifyRejectsAChangedByte() {
        byte[] raw = utf8(CHINESE_JSON);
        raw[raw.length - 3] ^= 1;
        assertThrows(SignatureMismatchException.class, () -> signer.verify(raw, 0, raw.length, CHINESE_SIGNATURE));
    }

    @Test
    void verifyRejectsTheAllZeroSignature() {
        byte[] raw = utf8(CHINESE_JSON);
        assertThrows(SignatureMismatchException.class, () -> signer.verify(raw, 0, raw.length, "0".repeat(64)));
    }

    @Test
    void exceptionMessagesNeverContainTheKeyOrTheExpectedSignature() {
        byte[] raw = utf8(CHINESE_JSON);
        String[] presented = {null, "", CHINESE_SIGNATURE.substring(0, 63), CHINESE_SIGNATURE.substring(0, 40),
            "z".repeat(64), CHINESE_SIGNATURE_OTHER_KEY, CHINESE_SIGNATURE_OTHER_KEY.toUpperCase(Locale.ROOT)};
        for (String signature : presented) {
            SignatureMismatchException e = assertThrows(SignatureMismatchException.class,
                    () -> signer.verify(raw, 0, raw.length, signature));
            assertSecretFree(e);
        }
    }

    private static void assertSecretFree(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()) + " " + t;
            assertFalse(text.contains(KEY), text);
            assertFalse(text.contains("SandBox"), text);
            assertFalse(text.toLowerCase(Locale.ROOT).contains(CHINESE_SIGNATURE), text);
            assertFalse(text.toLowerCase(Locale.ROOT).contains(CHINESE_SIGNATURE.substring(0, 16)), text);
        }
    }

    @Test
    void toStringHidesTheKey() {
        assertEquals("ScanForPaySigner[key=***]", signer.toString());
    }

    @Test
    void emptyOrMissingKeyIsRefused() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new ScanForPaySigner(""));
        assertEquals("sign key must not be empty", empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ScanForPaySigner(null));
    }
}
