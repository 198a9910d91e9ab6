package com.scanforpay.gateway.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The provider's SHA256 signature: {@code hex(sha256(json + signKey))} over the exact bytes that
 * travel, never over a re-serialised copy.
 */
public final class ScanForPaySigner {

    private static final HexFormat HEX = HexFormat.of();
    private static final int SIGNATURE_HEX_LENGTH = 64;

    private final byte[] signKey;

    public ScanForPaySigner(String signKey) {
        if (signKey == null || signKey.isEmpty()) {
            throw new IllegalArgumentException("sign key must not be empty");
        }
        this.signKey = signKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Lowercase hex signature of the exact request JSON text. */
    public String sign(String json) {
        return HEX.formatHex(digest(json.getBytes(StandardCharsets.UTF_8), 0, -1));
    }

    /** Signature of a slice of raw received bytes (e.g. the {@code response} member as it arrived). */
    public String sign(byte[] raw, int offset, int length) {
        return HEX.formatHex(digest(raw, offset, length));
    }

    /**
     * Checks {@code signatureHex} against the given raw bytes in constant time; upper- or lower-case hex is
     * accepted.
     *
     * @throws SignatureMismatchException naming what failed (never the expected value)
     */
    public void verify(byte[] raw, int offset, int length, String signatureHex) {
        if (signatureHex == null || signatureHex.isEmpty()) {
            throw new SignatureMismatchException("signature is missing");
        }
        if (signatureHex.length() != SIGNATURE_HEX_LENGTH) {
            throw new SignatureMismatchException("signature must be " + SIGNATURE_HEX_LENGTH + " hex characters");
        }
        byte[] presented;
        try {
            presented = HEX.parseHex(signatureHex);
        } catch (IllegalArgumentException e) {
            throw new SignatureMismatchException("signature is not hexadecimal");
        }
        if (!MessageDigest.isEqual(digest(raw, offset, length), presented)) {
            throw new SignatureMismatchException("signature does not match the message");
        }
    }

    private byte[] digest(byte[] content, int offset, int length) {
        MessageDigest sha256 = newSha256();
        sha256.update(content, offset, length < 0 ? content.length - offset : length);
        sha256.update(signKey);
        return sha256.digest();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ScanForPaySigner[key=***]";
    }
}
