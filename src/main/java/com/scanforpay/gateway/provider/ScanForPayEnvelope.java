package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;

/**
 * Seals and opens the provider's signed envelopes. Requests travel as {@code {"request": {...}, "signature"}};
 * responses and notify callbacks as {@code {"response": {...}, "signature"}}. The gateway seals requests and
 * opens responses; the sandbox does the reverse.
 *
 * <p>Sealing serialises the inner object once and signs those exact characters. Opening reads the raw bytes
 * once: it notes where the inner object starts and ends while parsing it, and checks the signature on that
 * byte range as received (a re-serialised tree would differ in whitespace and key order).
 */
public final class ScanForPayEnvelope {

    public static final String REQUEST = "request";
    public static final String RESPONSE = "response";
    private static final String SIGNATURE = "signature";

    private final ObjectMapper mapper;
    private final ScanForPaySigner signer;

    public ScanForPayEnvelope(ObjectMapper mapper, ScanForPaySigner signer) {
        this.mapper = mapper;
        this.signer = signer;
    }

    @JsonPropertyOrder({"header", "body"})
    private record Message(Object header, Object body) {
    }

    /** Serialises {@code {"header":..., "body":...}} once, signs it, and wraps it in {@code member}. */
    public SignedEnvelope seal(String member, Object header, Object body) {
        String json;
        try {
            json = mapper.writeValueAsString(new Message(header, body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + member + " message", e);
        }
        String signature = signer.sign(json);
        return new SignedEnvelope("{\"" + member + "\":" + json + ",\"" + SIGNATURE + "\":\"" + signature + "\"}",
                signature);
    }

    /**
     * Verifies the signature of {@code raw} on the exact bytes of {@code member}, then maps header and body.
     *
     * @throws MalformedMessageException when the bytes are not the documented envelope
     * @throws SignatureMismatchException when the signature is missing or does not match
     */
    public <H, B> OpenedEnvelope<H, B> open(byte[] raw, String member, Class<H> headerType, Class<B> bodyType) {
        JsonNode message = null;
        int start = -1;
        int end = -1;
        String signature = null;
        try (JsonParser parser = mapper.getFactory().createParser(raw)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedMessageException("message is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (member.equals(name)) {
                    if (message != null || value != JsonToken.START_OBJECT) {
                        throw new MalformedMessageException("'" + member + "' must occur once, as an object");
                    }
                    start = (int) parser.currentTokenLocation().getByteOffset();
                    message = mapper.readTree(parser);
                    end = (int) parser.currentTokenLocation().getByteOffset() + 1;
                } else if (SIGNATURE.equals(name)) {
                    if (signature != null || value != JsonToken.VALUE_STRING) {
                        throw new MalformedMessageException("'signature' must occur once, as a string");
                    }
                    signature = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new MalformedMessageException("unexpected content after the message");
            }
        } catch (IOException e) {
            throw new MalformedMessageException("message is not valid JSON", e);
        }
        if (message == null) {
            throw new MalformedMessageException("'" + member + "' is missing");
        }
        if (start < 0 || end <= start || end > raw.length) {
            // Jackson also reads UTF-16/32 input, but then reports no byte offsets: the signed bytes are unknown.
            throw new MalformedMessageException("message is not UTF-8 JSON");
        }
        signer.verify(raw, start, end - start, signature);
        return new OpenedEnvelope<>(convert(message, "header", headerType), convert(message, "body", bodyType));
    }

    private <T> T convert(JsonNode message, String part, Class<T> type) {
        JsonNode node = message.get(part);
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException("'" + part + "' is missing or not an object");
        }
        try {
            // No silent truncation of 1.9 to 1: a fractional code, status or amount is not the documented int.
            return mapper.readerFor(type).without(DeserializationFeature.ACCEPT_FLOAT_AS_INT).readValue(node);
        } catch (IOException | IllegalArgumentException e) {
            // Jackson's message would quote the offending value, which may be buyer data.
            throw new MalformedMessageException("'" + part + "' has a field of the wrong type");
        }
    }
}
