package com.scanforpay.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RequestHeaderTest {

    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Instant SAMPLE_INSTANT = Instant.parse("2018-07-25T10:06:05.987654321Z");

    private static RequestHeader at(Instant instant, ZoneId zone) {
        return RequestHeader.next("10001", Clock.fixed(instant, zone));
    }

    @Test
    void requestTimeIsRfc3339WithOffsetLikeTheProviderSample() {
        RequestHeader header = at(SAMPLE_INSTANT, ZoneOffset.ofHours(8));
        assertEquals("2018-07-25T18:06:05+08:00", header.requestTime());
        assertEquals(25, header.requestTime().length());
    }

    @Test
    void fractionOfASecondIsTruncatedNotRounded() {
        assertEquals("2018-07-25T18:06:05+08:00",
                at(Instant.parse("2018-07-25T10:06:05.999999999Z"), ZoneOffset.ofHours(8)).requestTime());
        assertEquals("2018-07-25T18:06:05+08:00",
                at(Instant.parse("2018-07-25T10:06:05Z"), ZoneOffset.ofHours(8)).requestTime());
    }

    @Test
    void utcIsWrittenAsAnOffsetNotZ() {
        RequestHeader header = at(SAMPLE_INSTANT, ZoneOffset.UTC);
        assertEquals("2018-07-25T10:06:05+00:00", header.requestTime());
        assertEquals(25, header.requestTime().length());
    }

    @Test
    void otherOffsetsAndRegionZones() {
        assertEquals("2018-07-25T04:36:05-05:30", at(SAMPLE_INSTANT, ZoneOffset.of("-05:30")).requestTime());
        assertEquals("2018-07-25T19:06:05+09:00", at(SAMPLE_INSTANT, ZoneId.of("Asia/Tokyo")).requestTime());
        assertEquals("2018-07-25T18:06:05+08:00", at(SAMPLE_INSTANT, ZoneId.of("Asia/Shanghai")).requestTime());
    }

    @Test
    void localDateRollsOverWithTheOffset() {
        assertEquals("2019-01-01T00:00:00+08:00",
                at(Instant.parse("2018-12-31T16:00:00Z"), ZoneOffset.ofHours(8)).requestTime());
    }

    @Test
    void requestTimeParsesBackToTheClockInstant() {
        RequestHeader header = at(SAMPLE_INSTANT, ZoneOffset.ofHours(8));
        assertEquals(Instant.parse("2018-07-25T10:06:05Z"), OffsetDateTime.parse(header.requestTime()).toInstant());
    }

    @Test
    void fixedFieldsAndPartnerNo() {
        RequestHeader header = at(SAMPLE_INSTANT, ZoneOffset.ofHours(8));
        assertEquals("10001", header.partnerNo());
        assertEquals("SHA256", header.signType());
        assertEquals("1.0", header.version());
        assertEquals("SHA256", RequestHeader.SIGN_TYPE);
        assertEquals("1.0", RequestHeader.VERSION);
    }

    @Test
    void reqMsgIdIs32LowercaseHexCharacters() {
        String id = at(SAMPLE_INSTANT, ZoneOffset.ofHours(8)).reqMsgId();
        assertEquals(32, id.length());
        assertTrue(MESSAGE_ID.matcher(id).matches(), id);
    }

    @Test
    void reqMsgIdIsUniqueAcrossCallsEvenAtTheSameInstant() {
        Clock clock = Clock.fixed(SAMPLE_INSTANT, ZoneOffset.ofHours(8));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            RequestHeader header = RequestHeader.next("10001", clock);
            assertTrue(MESSAGE_ID.matcher(header.reqMsgId()).matches(), header.reqMsgId());
            assertTrue(ids.add(header.reqMsgId()), "duplicate " + header.reqMsgId());
        }
        assertEquals(10_000, ids.size());
        RequestHeader a = RequestHeader.next("10001", clock);
        RequestHeader b = RequestHeader.next("10001", clock);
        assertEquals(a.requestTime(), b.requestTime());
        assertNotEquals(a.reqMsgId(), b.reqMsgId());
    }

    @Test
    void serialisesInTheProviderSampleOrder() throws Exception {
        RequestHeader header = at(SAMPLE_INSTANT, ZoneOffset.ofHours(8));
        assertEquals("{\"requestTime\":\"2018-07-25T18:06:05+08:00\",\"partnerNo\":\"10001\",\"signType\":\"SHA256\","
                + "\"version\":\"1.0\",\"reqMsgId\":\"" + header.reqMsgId() + "\"}",
                new ObjectMapper().writeValueAsString(header));
    }
}
