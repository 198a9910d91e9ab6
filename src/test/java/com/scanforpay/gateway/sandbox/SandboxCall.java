package com.scanforpay.gateway.sandbox;

import java.time.Instant;

/**
 * One API call the sandbox received.
 *
 * @param path            e.g. {@code /api/offline/pay}
 * @param partnerOrderNo  the request body's {@code partnerOrderNo} as far as it could be read (for a query by
 *                        {@code orderNo} only, the partnerOrderNo of that order if known); {@code null} otherwise
 * @param signatureValid  {@code true} when the request was authentic: well-formed envelope, signature verified with
 *                        the sandbox's sign key and the header's {@code partnerNo} is the sandbox's partner
 * @param receivedAt      when the request (fully read) arrived
 */
public record SandboxCall(String path, String partnerOrderNo, boolean signatureValid, Instant receivedAt) {
}
