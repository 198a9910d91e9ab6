package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.command.ParsedCommand.Accepted;
import com.scanforpay.gateway.command.ParsedCommand.Rejected;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The edge of the gateway: the store check (a command for a store no partner serves can never succeed), and one
 * example per kind of hostile value, each with its exact code and message. The fuzz tests are in
 * {@link PaymentCommandParserFuzzTest}.
 */
class PaymentCommandParserTest {

    static final long MAX_SIZE = 8192;
    private static final String DEFAULT_STORE = "100010000000002";
    private static final String BARCODE = "284447106610060508";
    private static final Partner DEFAULT = new Partner(Partners.DEFAULT, "10001", new ScanForPaySigner("a"),
            "https://pay.scanforpay.com");
    private static final Partner TOKYO = new Partner("tokyo", "20002", new ScanForPaySigner("b"),
            "https://pay.scanforpay.com");

    private final PaymentCommandParser mapped = new PaymentCommandParser(new Partners(DEFAULT,
            Optional.of(DEFAULT_STORE), List.of(TOKYO), Map.of("200020000000001", "tokyo")), MAX_SIZE);
    private final PaymentCommandParser single = new PaymentCommandParser(
            Partners.single(DEFAULT, Optional.of(DEFAULT_STORE)), MAX_SIZE);
    /** Room for what Jackson's default limits refuse (1000 deep, 1000 digits, 50,000-character names). */
    private final PaymentCommandParser roomy = new PaymentCommandParser(
            Partners.single(DEFAULT, Optional.of(DEFAULT_STORE)), 1 << 20);

    private static byte[] pay(String storeField) {
        return utf8("{\"partnerOrderNo\":\"p1\",\"barcode\":\"" + BARCODE + "\",\"orderAmount\":2100" + storeField
                + "}");
    }

    @Test
    void storesOfAPartnerAndTheDefaultStoreAreAccepted() {
        assertEquals("200020000000001", accepted(mapped.parse(pay(",\"storeNo\":\"200020000000001\""))).storeNo());
        assertEquals(DEFAULT_STORE, accepted(mapped.parse(pay(""))).storeNo(), "defaulted");
        assertEquals(DEFAULT_STORE, accepted(mapped.parse(pay(",\"storeNo\":\"" + DEFAULT_STORE + "\""))).storeNo());
    }

    @Test
    void anUnknownStoreIsRejectedNamingTheSettingToAdd() {
        Rejected pay = assertInstanceOf(Rejected.class, mapped.parse(pay(",\"storeNo\":\"999990000000001\"")));
        assertEquals(RejectionCode.UNKNOWN_STORE, pay.code());
        assertEquals(List.of(new FieldError("storeNo", "storeNo 999990000000001 is not configured: map it to a "
                + "partner with scanforpay.stores.\"999990000000001\".partner")), pay.errors());
        assertEquals("p1", pay.partnerOrderNo(), "so a REJECTED result follows");

        Rejected query = assertInstanceOf(Rejected.class, mapped.parse(
                utf8("{\"type\":\"QUERY\",\"partnerOrderNo\":\"p1\",\"storeNo\":\"999990000000001\"}")));
        assertEquals(RejectionCode.UNKNOWN_STORE, query.code());
    }

    @Test
    void withoutStoreMappingEveryStoreIsServedAndRefundsNameNoStore() {
        assertEquals("999990000000001", accepted(single.parse(pay(",\"storeNo\":\"999990000000001\""))).storeNo());
        PaymentCommand refund = accepted(mapped.parse(utf8("{\"type\":\"REFUND\",\"partnerOrderNo\":\"p1\","
                + "\"refundNo\":\"r1\",\"orderAmount\":100,\"storeNo\":\"999990000000001\"}")));
        assertEquals(null, refund.storeNo(), "a refund's store is the order's, from the ledger");
    }

    // ---- empty values -----------------------------------------------------------------------------------------

    @Test
    void aQueryWhoseOrderNumbersAreEmptyIsRejectedAsMissingOne() {
        for (String query : List.of("{\"type\":\"QUERY\",\"partnerOrderNo\":\"\"}",
                "{\"type\":\"QUERY\",\"orderNo\":\"\"}", "{\"type\":\"QUERY\",\"partnerOrderNo\":\"\",\"orderNo\":null}")) {
            Rejected rejected = assertInstanceOf(Rejected.class, single.parse(utf8(query)), query);
            assertEquals(RejectionCode.MISSING_FIELD, rejected.code(), query);
            assertEquals(List.of(new FieldError("partnerOrderNo", "a QUERY needs partnerOrderNo or orderNo")),
                    rejected.errors(), query);
        }
    }

    @Test
    void aTombstoneIsInvalidJson() {
        assertRejected(single.parse(null), RejectionCode.INVALID_JSON, "$",
                "command is a tombstone (null value): expected a JSON object");
    }

    @Test
    void anEmptyValueIsInvalidJson() {
        assertRejected(single.parse(new byte[0]), RejectionCode.INVALID_JSON, "$",
                "command is empty: expected a JSON object");
        assertRejected(single.parse(utf8(" \r\n\t ")), RejectionCode.INVALID_JSON, "$",
                "command is only whitespace: expected a JSON object");
    }

    // ---- size ---------------------------------------------------------------------------------------------------

    @Test
    void aValueOverTheLimitIsTooLargeAndNotRead() {
        byte[] command = padded(pay(""), (int) MAX_SIZE + 1);
        assertRejected(single.parse(command), RejectionCode.TOO_LARGE, "$", "command is 8193 bytes, larger than "
                + "the limit of 8192 bytes (scanforpay.consumer.max-command-size); it was not read");

        // not read at all: bytes that are not even UTF-8 are still only too large
        byte[] garbage = new byte[10_000_000];
        Arrays.fill(garbage, (byte) 0xFF);
        assertRejected(single.parse(garbage), RejectionCode.TOO_LARGE, "$", "command is 10000000 bytes, larger "
                + "than the limit of 8192 bytes (scanforpay.consumer.max-command-size); it was not read");
    }

    @Test
    void aValueOfExactlyTheLimitIsRead() {
        assertEquals("p1", accepted(single.parse(padded(pay(""), (int) MAX_SIZE))).partnerOrderNo());
    }

    // ---- encoding -----------------------------------------------------------------------------------------------

    @Test
    void bytesThatAreNotUtf8AreInvalidJson() {
        assertRejected(single.parse(new byte[] {'{', 'x', (byte) 0xC3}), RejectionCode.INVALID_JSON, "$",
                "command is not valid UTF-8 (at byte offset 2)");
        // an overlong '/' and an encoded surrogate (CESU-8) are not UTF-8 either
        assertRejected(single.parse(new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'}),
                RejectionCode.INVALID_JSON, "$", "command is not valid UTF-8 (at byte offset 2)");
        assertRejected(single.parse(new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ':', '1', '}'}),
                RejectionCode.INVALID_JSON, "$", "command is not valid UTF-8 (at byte offset 2)");
    }

    @Test
    void utf16AndUtf32AreNotGuessedButRefused() {
        String command = new String(pay(""), StandardCharsets.UTF_8);
        assertRejected(single.parse(command.getBytes(StandardCharsets.UTF_16LE)), RejectionCode.INVALID_JSON, "$",
                "command contains a NUL byte (at byte offset 1): expected UTF-8 JSON text");
        assertRejected(single.parse(command.getBytes(StandardCharsets.UTF_16BE)), RejectionCode.INVALID_JSON, "$",
                "command contains a NUL byte (at byte offset 0): expected UTF-8 JSON text");
        assertRejected(single.parse(command.getBytes(Charset.forName("UTF-32LE"))), RejectionCode.INVALID_JSON,
                "$", "command contains a NUL byte (at byte offset 1): expected UTF-8 JSON text");
        // with a byte order mark (FE FF, not UTF-8 either)
        assertRejected(single.parse(command.getBytes(StandardCharsets.UTF_16)), RejectionCode.INVALID_JSON, "$",
                "command contains a NUL byte (at byte offset 2): expected UTF-8 JSON text");
    }

    @Test
    void aUtf8ByteOrderMarkIsRefused() {
        byte[] command = pay("");
        byte[] withBom = new byte[command.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(command, 0, withBom, 3, command.length);
        assertRejected(single.parse(withBom), RejectionCode.INVALID_JSON, "$",
                "command starts with a byte order mark: expected UTF-8 JSON without one");
    }

    @Test
    void aNulByteIsRefusedEvenInsideAString() {
        assertRejected(single.parse(utf8("{\"partnerOrderNo\":\"p\u00001\"}")), RejectionCode.INVALID_JSON, "$",
                "command contains a NUL byte (at byte offset 20): expected UTF-8 JSON text");
    }

    // ---- JSON structure -----------------------------------------------------------------------------------------

    @Test
    void invalidJsonNamesWhereAndNeverQuotesTheValue() {
        Rejected rejected = assertRejected(single.parse(utf8("{\"barcode\":" + BARCODE + "x}")),
                RejectionCode.INVALID_JSON, "$", "command is not valid JSON (at line 1, column 30)");
        assertFalse(rejected.message().contains(BARCODE));
        assertRejected(single.parse(utf8("{\"partnerOrderNo\":\"p1\",\n\"orderAmount\":")), RejectionCode.INVALID_JSON,
                "$", "command is not valid JSON (at line 2, column 15)");
        assertRejected(single.parse(utf8("{'partnerOrderNo':'p1'}")), RejectionCode.INVALID_JSON, "$",
                "command is not valid JSON (at line 1, column 2)");
    }

    @Test
    void contentAfterTheObjectIsRefused() {
        String trailing = "unexpected content after the JSON object: a command is one object";
        assertRejected(single.parse(utf8("{\"a\":1} x")), RejectionCode.INVALID_JSON, "$", trailing);
        assertRejected(single.parse(utf8(new String(pay("")) + "{\"a\":1}")), RejectionCode.INVALID_JSON, "$",
                trailing);
        assertRejected(single.parse(utf8(new String(pay("")) + " []")), RejectionCode.INVALID_JSON, "$", trailing);
        assertRejected(single.parse(utf8(new String(pay("")) + "}")), RejectionCode.INVALID_JSON, "$", trailing);
    }

    @Test
    void aValueThatIsNotAnObjectIsRefusedNamingWhatItIs() {
        assertRejected(single.parse(utf8("[1,2]")), RejectionCode.INVALID_JSON, "$",
                "command must be a JSON object, not an array");
        assertRejected(single.parse(utf8("\"" + BARCODE + "\"")), RejectionCode.INVALID_JSON, "$",
                "command must be a JSON object, not a string");
        assertRejected(single.parse(utf8("2100")), RejectionCode.INVALID_JSON, "$",
                "command must be a JSON object, not a number");
        assertRejected(single.parse(utf8("null")), RejectionCode.INVALID_JSON, "$",
                "command must be a JSON object, not null");
        assertRejected(single.parse(utf8("true")), RejectionCode.INVALID_JSON, "$",
                "command must be a JSON object, not a boolean");
    }

    @Test
    void aDuplicatedKeyIsRefusedNamingIt() {
        String duplicate = "occurs more than once in the same object: duplicate keys are ambiguous";
        assertRejected(single.parse(utf8("{\"partnerOrderNo\":\"p1\",\"orderAmount\":1,\"partnerOrderNo\":\"p2\"}")),
                RejectionCode.INVALID_JSON, "partnerOrderNo", duplicate);
        assertRejected(single.parse(utf8("{\"extra\":{\"items\":[1,{\"b\":1,\"b\":2}]}}")),
                RejectionCode.INVALID_JSON, "extra.items[1].b", duplicate);
        // a name that does not look like a field name (here a barcode) is not quoted
        Rejected barcodeName = assertRejected(single.parse(utf8("{\"" + BARCODE + "\":1,\"" + BARCODE + "\":1}")),
                RejectionCode.INVALID_JSON, "$", duplicate);
        assertFalse(barcodeName.message().contains(BARCODE));
    }

    // ---- what Jackson's own limits let through, with no location (the NullPointerException that stalled) --------

    @Test
    void deepNestingIsRefused() {
        String message = "command is nested deeper than 32 levels: a command is a flat JSON object";
        assertRejected(single.parse(utf8("{\"x\":" + "[".repeat(32) + "]".repeat(32) + "}")),
                RejectionCode.INVALID_JSON, "$", message);
        assertRejected(roomy.parse(utf8("{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}")),
                RejectionCode.INVALID_JSON, "$", message);
        assertRejected(roomy.parse(utf8("{\"x\":" + "{\"x\":".repeat(1500) + "1" + "}".repeat(1501))),
                RejectionCode.INVALID_JSON, "$", message);
        // 32 levels are fine
        accepted(single.parse(utf8("{\"extra\":" + "[".repeat(31) + "]".repeat(31) + ","
                + new String(pay("")).substring(1))));
    }

    @Test
    void aLongNumberIsRefusedNamingItsField() {
        String message = "number is longer than 20 characters";
        assertRejected(single.parse(utf8("{\"partnerOrderNo\":\"p1\",\"orderAmount\":123456789012345678901}")),
                RejectionCode.INVALID_JSON, "orderAmount", message);
        assertRejected(roomy.parse(utf8("{\"extra\":[0," + "9".repeat(1001) + "]}")), RejectionCode.INVALID_JSON,
                "extra[1]", message);
        assertRejected(roomy.parse(utf8("{\"orderAmount\":0." + "1".repeat(1001) + "}")),
                RejectionCode.INVALID_JSON, "orderAmount", message);
    }

    @Test
    void aLongFieldNameIsRefused() {
        String message = "command has a field name longer than 256 characters";
        assertRejected(single.parse(utf8("{\"" + "n".repeat(257) + "\":1}")), RejectionCode.INVALID_JSON, "$",
                message);
        assertRejected(roomy.parse(utf8("{\"" + "n".repeat(50_001) + "\":1}")), RejectionCode.INVALID_JSON, "$",
                message);
        accepted(single.parse(utf8("{\"" + "n".repeat(256) + "\":1," + new String(pay("")).substring(1))));
    }

    // ---- text fields --------------------------------------------------------------------------------------------

    @Test
    void controlCharactersInTextFieldsAreInvalid() {
        String control = "must not contain control characters";
        for (String field : List.of("orderTitle", "operatorId", "terminalNo")) {
            for (String value : List.of("\\u0000", "a\\nb", "tab\\t", "\\u007f", "\\u0085")) {
                assertRejected(single.parse(payWith(field, value)), RejectionCode.INVALID_FIELD, field, control);
            }
        }
        assertRejected(single.parse(utf8("{\"type\":\"REFUND\",\"partnerOrderNo\":\"p1\",\"refundNo\":\"r1\","
                + "\"orderAmount\":100,\"operatorId\":\"a\\u0000\"}")), RejectionCode.INVALID_FIELD, "operatorId",
                control);
    }

    @Test
    void unpairedSurrogatesInTextFieldsAreInvalid() {
        String unpaired = "must not contain unpaired surrogates (it is not valid Unicode)";
        assertRejected(single.parse(payWith("orderTitle", "\\ud800")), RejectionCode.INVALID_FIELD, "orderTitle",
                unpaired);
        assertRejected(single.parse(payWith("operatorId", "x\\udc00")), RejectionCode.INVALID_FIELD, "operatorId",
                unpaired);
        assertRejected(single.parse(payWith("terminalNo", "\\ude00\\ud83d")), RejectionCode.INVALID_FIELD,
                "terminalNo", unpaired);
        // a pair is one character, and fine
        assertEquals("拿铁 \uD83D\uDE00", accepted(single.parse(payWith("orderTitle", "拿铁 \\ud83d\\ude00")))
                .orderTitle());
    }

    // ---- the payments API's refund body -------------------------------------------------------------------------

    @Test
    void aRefundBodyBecomesTheRefundOfThePathsOrder() {
        byte[] command = single.asRefundOf("p9", utf8("{\"type\":\"PAY\",\"partnerOrderNo\":\"other\","
                + "\"refundNo\":\"r1\",\"orderAmount\":600,\"operatorId\":\"山田\"}"));
        PaymentCommand refund = accepted(single.parse(command));
        assertEquals(CommandType.REFUND, refund.type());
        assertEquals("p9", refund.partnerOrderNo(), "the path's order, not the body's");
        assertEquals("r1", refund.refundNo());
        assertEquals(600, refund.orderAmount());
        assertEquals("山田", refund.operatorId());
    }

    @Test
    void aRefundBodyThatIsNoObjectComesBackUnchangedForTheParserToName() {
        byte[] tooLarge = padded(utf8("{\"refundNo\":\"r1\",\"orderAmount\":600}"), (int) MAX_SIZE + 1);
        for (byte[] body : List.of(new byte[0], utf8("{not json"), utf8("[1]"), utf8("{\"a\":1,\"a\":2}"),
                utf8("{\"a\":1} x"), new byte[] {(byte) 0xC3}, tooLarge)) {
            assertSame(body, single.asRefundOf("p9", body));
        }
        assertNull(single.asRefundOf("p9", null));
        assertEquals(RejectionCode.TOO_LARGE, ((Rejected) single.parse(single.asRefundOf("p9", tooLarge))).code());
    }

    @Test
    void aRefundBodyKeepsWhatParseMustRefuse() {
        // written back as ASCII escapes, so the lone surrogate is neither lost nor replaced by '?'
        byte[] command = single.asRefundOf("p9", utf8("{\"refundNo\":\"r1\",\"orderAmount\":600,"
                + "\"operatorId\":\"\\ud800\"}"));
        assertRejected(single.parse(command), RejectionCode.INVALID_FIELD, "operatorId",
                "must not contain unpaired surrogates (it is not valid Unicode)");
        byte[] orderWithNul = single.asRefundOf("p\u00009", utf8("{\"refundNo\":\"r1\",\"orderAmount\":600}"));
        assertRejected(single.parse(orderWithNul), RejectionCode.INVALID_FIELD, "partnerOrderNo",
                "must be printable ASCII without spaces");
        assertArrayEquals(utf8("{\"refundNo\":\"r1\",\"type\":\"REFUND\",\"partnerOrderNo\":\"p9\"}"),
                single.asRefundOf("p9", utf8("{\"refundNo\":\"r1\"}")));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A valid PAY command with {@code field} set to {@code jsonEscaped} (JSON string content, escapes kept). */
    private static byte[] payWith(String field, String jsonEscaped) {
        return utf8("{\"partnerOrderNo\":\"p1\",\"barcode\":\"" + BARCODE + "\",\"orderAmount\":2100,\"" + field
                + "\":\"" + jsonEscaped + "\"}");
    }

    /** {@code command} followed by spaces up to {@code size} bytes. */
    private static byte[] padded(byte[] command, int size) {
        byte[] padded = Arrays.copyOf(command, size);
        Arrays.fill(padded, command.length, size, (byte) ' ');
        return padded;
    }

    private static Rejected assertRejected(ParsedCommand parsed, RejectionCode code, String field, String message) {
        Rejected rejected = assertInstanceOf(Rejected.class, parsed);
        assertEquals(code, rejected.code(), rejected.message());
        assertEquals(List.of(new FieldError(field, message)), rejected.errors());
        return rejected;
    }

    private static PaymentCommand accepted(ParsedCommand parsed) {
        return assertInstanceOf(Accepted.class, parsed, parsed.toString()).command();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
