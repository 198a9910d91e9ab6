package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** The header of every request envelope. */
@JsonPropertyOrder({"requestTime", "partnerNo", "signType", "version", "reqMsgId"})
public record RequestHeader(String requestTime, String partnerNo, String signType, String version, String reqMsgId) {

    public static final String SIGN_TYPE = "SHA256";
    public static final String VERSION = "1.0";

    /** RFC 3339 with offset, seconds precision: 25 characters, the field's documented length. */
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    /** A header for a new request message: current time with offset, and a fresh 32-character message id. */
    public static RequestHeader next(String partnerNo, Clock clock) {
        String requestTime = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS).format(REQUEST_TIME);
        String reqMsgId = UUID.randomUUID().toString().replace("-", "");
        return new RequestHeader(requestTime, partnerNo, SIGN_TYPE, VERSION, reqMsgId);
    }
}
