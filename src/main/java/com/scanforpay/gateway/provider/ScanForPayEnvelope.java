package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Seals and opens the provider's signed envelopes. Requests travel as {@code {"request": {...}, "signature"}};
 * responses and notify callbacks as {@code {"response": {...}, "signature"}}. The gateway seals requests and
 * opens responses; the sandbox does the reverse.
 *
 * <p>Sealing serialises the inner object once and signs those exact characters. Opening reads the raw bytes
 * once: it notes where the inner object starts and ends while parsing it, and checks the signature on that
 * byte range as received (a re-serialised tree would differ in whitespace and key order).
 *
 * <p>Which key: each partner account has its own. A request is sealed with the signer of the partner it is sent
 * for, and its response opened with that same signer; a notify callback, which nobody asked for, is opened with
 * the key of the partner its own header names ({@link PartnerKeys}), never with another. An envelope built with
 * one signer (the sandbox, tests) uses it wherever none is given.
 */
public final class ScanForPayEnvelope {

    public static final String REQUEST = "request";
    public static final String RESPONSE = "response";
    private static final String SIGNATURE = "signature";
    private static final String HEADER = "header";
    private static final String PARTNER_NO = "partnerNo";
    /** A {@code partnerNo} is quoted in an error only when it looks like one: short printable ASCII. */
    private static final Pattern PRINTABLE_PARTNER_NO = Pattern.compile("[\\x21-\\x7E]{1,32}");

    private final ObjectMapper mapper;
    private final ScanForPaySigner signer;

    /** An envelope for several partners: every call names the signer (or the partner keys) to use. */
    public ScanForPayEnvelope(ObjectMapper mapper) {
        this.mapper = mapper;
        this.signer = null;
    }

    /** An envelope for one partner: {@code signer} seals and verifies wherever no other is given. */
    public ScanForPayEnvelope(ObjectMapper mapper, ScanForPaySigner signer) {
        this.mapper = mapper;
        this.signer = Objects.requireNonNull(signer, "signer");
    }

    @JsonPropertyOrder({"header", "body"})
    private record Message(Object header, Object body) {
    }

    /** Seals with this envelope's own signer. */
    public SignedEnvelope seal(String member, Object header, Object body) {
        return seal(ownSigner(), member, header, body);
    }

    /** Serialises {@code {"header":..., "body":...}} once, signs it with {@code signer}, and wraps it in {@code member}. */
    public SignedEnvelope seal(ScanForPaySigner signer, String member, Object header, Object body) {
        Objects.requireNonNull(signer, "signer");
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

    /** Opens with this envelope's own signer. */
    public <H, B> OpenedEnvelope<H, B> open(byte[] raw, String member, Class<H> headerType, Class<B> bodyType) {
        return open(raw, member, ownSigner(), headerType, bodyType);
    }

    /**
     * Opens a message signed with {@code signer}'s key: the answer to a request sealed for that partner.
     *
     * @throws MalformedMessageException when the bytes are not the documented envelope
     * @throws SignatureMismatchException when the signature is missing or does not match
     */
    public <H, B> OpenedEnvelope<H, B> open(byte[] raw, String member, ScanForPaySigner signer, Class<H> headerType,
            Class<B> bodyType) {
        Objects.requireNonNull(signer, "signer");
        return verifyAndMap(raw, member, message -> signer, headerType, bodyType);
    }

    /**
     * Opens a message signed with the key of the partner its own header names ({@code header.partnerNo}, read from
     * the same single parse): a notify callback. A message naming no partner, or one {@code keys} does not hold, is
     * refused without checking it against any key.
     *
     * @throws MalformedMessageException when the bytes are not the documented envelope
     * @throws UnknownPartnerException when the header names no partnerNo, or one without a key here
     * @throws SignatureMismatchException when the signature is missing or does not match that partner's key
     */
    public <H, B> OpenedEnvelope<H, B> open(byte[] raw, String member, PartnerKeys keys, Class<H> headerType,
            Class<B> bodyType) {
        Objects.requireNonNull(keys, "keys");
        return verifyAndMap(raw, member, message -> signerOfHeaderPartner(message, keys), headerType, bodyType);
    }

    private static ScanForPaySigner signerOfHeaderPartner(JsonNode message, PartnerKeys keys) {
        JsonNode header = message.get(HEADER);
        if (header == null || !header.isObject()) {
            throw new MalformedMessageException("'header' is missing or not an object");
        }
        JsonNode partnerNo = header.get(PARTNER_NO);
        if (partnerNo == null || !partnerNo.isTextual() || partnerNo.textValue().isEmpty()) {
            throw new UnknownPartnerException("unknown partner: the header names no partnerNo");
        }
        String named = partnerNo.textValue();
        return keys.signerOf(named).orElseThrow(() -> new UnknownPartnerException(
                PRINTABLE_PARTNER_NO.matcher(named).matches()
                        ? "unknown partner: no sign key for partnerNo " + named
                        : "unknown partner: the header's partnerNo is not one of ours"));
    }

    private ScanForPaySigner ownSigner() {
        if (signer == null) {
            throw new IllegalStateException("this envelope serves several partners: name the signer to use");
        }
        return signer;
    }

    /**
     * Verifies the signature of {@code raw} on the exact bytes of {@code member}, with the signer chosen for the
     * parsed message, then maps header and body. Any bytes at all end in an opened envelope or one of the three
     * exceptions of {@code open} ({@code null} reads as empty).
     */
    private <H, B> OpenedEnvelope<H, B> verifyAndMap(byte[] bytes, String member,
            Function<JsonNode, ScanForPaySigner> signerFor, Class<H> headerType,
            Class<B> bodyType) {
        byte[] raw = bytes == null ? new byte[0] : bytes;
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
        } catch (MalformedMessageException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // last line of defence: a surprise in the JSON library must still be an answer the caller handles
            throw new MalformedMessageException("message could not be read as JSON");
        }
        if (message == null) {
            throw new MalformedMessageException("'" + member + "' is missing");
        }
        if (start < 0 || end <= start || end > raw.length) {
            // Jackson also reads UTF-16/32 input, but then reports no byte offsets: the signed bytes are unknown.
            throw new MalformedMessageException("message is not UTF-8 JSON");
        }
        signerFor.apply(message).verify(raw, start, end - start, signature);
        return new OpenedEnvelope<>(convert(message, HEADER, headerType), convert(message, "body", bodyType));
    }

    private <T> T convert(JsonNode message, String part, Class<T> type) {
        JsonNode node = message.get(part);
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException("'" + part + "' is missing or not an object");
        }
        try {
            // No silent truncation of 1.9 to 1: a fractional code, status or amount is not the documented int.
            return mapper.readerFor(type).without(DeserializationFeature.ACCEPT_FLOAT_AS_INT).readValue(node);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // Jackson's message would quote the offending value, which may be buyer data.
            throw new MalformedMessageException("'" + part + "' has a field of the wrong type");
        }
    }
}
