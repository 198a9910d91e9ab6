package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.payment.ParsedCommand.Accepted;
import com.scanforpay.gateway.payment.ParsedCommand.Rejected;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The store check at the edge: a command for a store no partner serves can never succeed. */
class PaymentCommandParserTest {

    private static final String DEFAULT_STORE = "100010000000002";
    private static final Partner DEFAULT = new Partner(Partners.DEFAULT, "10001", new ScanForPaySigner("a"),
            "https://pay.scanforpay.com");
    private static final Partner TOKYO = new Partner("tokyo", "20002", new ScanForPaySigner("b"),
            "https://pay.scanforpay.com");

    private final PaymentCommandParser mapped = new PaymentCommandParser(new ObjectMapper(), new Partners(DEFAULT,
            Optional.of(DEFAULT_STORE), List.of(TOKYO), Map.of("200020000000001", "tokyo")));
    private final PaymentCommandParser single = new PaymentCommandParser(new ObjectMapper(),
            Partners.single(DEFAULT, Optional.of(DEFAULT_STORE)));

    private static byte[] pay(String storeField) {
        return ("{\"partnerOrderNo\":\"p1\",\"barcode\":\"284447106610060508\",\"orderAmount\":2100" + storeField
                + "}").getBytes(StandardCharsets.UTF_8);
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
                "{\"type\":\"QUERY\",\"partnerOrderNo\":\"p1\",\"storeNo\":\"999990000000001\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals(RejectionCode.UNKNOWN_STORE, query.code());
    }

    @Test
    void withoutStoreMappingEveryStoreIsServedAndRefundsNameNoStore() {
        assertEquals("999990000000001", accepted(single.parse(pay(",\"storeNo\":\"999990000000001\""))).storeNo());
        PaymentCommand refund = accepted(mapped.parse(("{\"type\":\"REFUND\",\"partnerOrderNo\":\"p1\","
                + "\"refundNo\":\"r1\",\"orderAmount\":100,\"storeNo\":\"999990000000001\"}")
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, refund.storeNo(), "a refund's store is the order's, from the ledger");
    }

    private static PaymentCommand accepted(ParsedCommand parsed) {
        return assertInstanceOf(Accepted.class, parsed, parsed.toString()).command();
    }
}
