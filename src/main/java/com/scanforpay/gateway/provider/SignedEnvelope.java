package com.scanforpay.gateway.provider;

import java.nio.charset.StandardCharsets;

/**
 * A sealed envelope, {@code {"request"|"response": <json>, "signature": "<hex>"}}, ready to send as it is:
 * the signature was computed over exactly these characters.
 */
public record SignedEnvelope(String json, String signature) {

    public byte[] bytes() {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SignedEnvelope[" + json.length() + " chars]";
    }
}
