package com.scanforpay.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MaskingTest {

    @Test
    void barcodeKeepsTheWalletPrefixAndTheLastFour() {
        // Alipay-like 18 digits (the provider's sample), WeChat-like 18, Alipay-like 24, the field's maximum 20.
        assertEquals("28************0508", Masking.barcode("284447106610060508"));
        assertEquals("13************6789", Masking.barcode("134567890123456789"));
        assertEquals("28******************9012", Masking.barcode("281234567890123456789012"));
        assertEquals("25**************7890", Masking.barcode("25345678901234567890"));
    }

    @Test
    void maskedBarcodeKeepsTheLengthButNotTheMiddle() {
        String barcode = "284447106610060508";
        String masked = Masking.barcode(barcode);
        assertEquals(barcode.length(), masked.length());
        assertFalse(masked.contains("444710661006"), masked);
        assertFalse(masked.contains("4447"), masked);
    }

    @Test
    void barcodeOfSevenRevealsPrefixAndSuffixOnly() {
        assertEquals("12*4567", Masking.barcode("1234567"));
    }

    @Test
    void shortBarcodesAreFullyMasked() {
        assertEquals("******", Masking.barcode("123456"));
        assertEquals("*****", Masking.barcode("12345"));
        assertEquals("*", Masking.barcode("1"));
        assertEquals("", Masking.barcode(""));
    }

    @Test
    void nullBarcodeStaysNull() {
        assertNull(Masking.barcode(null));
    }

    @Test
    void barcodeNeverCutsASurrogatePair() {
        // Seven MATHEMATICAL DOUBLE-STRUCK DIGITs, each a surrogate pair: junk a scanner might still deliver.
        String digits = "\uD835\uDFD8\uD835\uDFD9\uD835\uDFDA\uD835\uDFDB\uD835\uDFDC\uD835\uDFDD\uD835\uDFDE";
        String masked = Masking.barcode(digits);
        assertEquals("\uD835\uDFD8\uD835\uDFD9*\uD835\uDFDB\uD835\uDFDC\uD835\uDFDD\uD835\uDFDE", masked);
        assertWellFormed(masked);
        assertEquals("******", Masking.barcode(digits.substring(0, 12)));
    }

    @Test
    void buyerKeepsFirstAndLastCharacterOnly() {
        assertEquals("c***m", Masking.buyer("cd****@qq.com"));
        assertEquals("2***2", Masking.buyer("208xxxxxxxxxx012"));
        assertEquals("a***c", Masking.buyer("abc"));
        assertEquals("张***丰", Masking.buyer("张三丰"));
    }

    @Test
    void maskedBuyerHidesTheLength() {
        assertEquals(Masking.buyer("abc"), Masking.buyer("a1234567890123456789012345678c"));
    }

    @Test
    void shortBuyersAreFullyMasked() {
        assertEquals("**", Masking.buyer("ab"));
        assertEquals("*", Masking.buyer("a"));
        assertEquals("", Masking.buyer(""));
    }

    @Test
    void nullBuyerStaysNull() {
        assertNull(Masking.buyer(null));
    }

    @Test
    void buyerNeverCutsASurrogatePair() {
        String first = "\uD840\uDC00"; // U+20000, a CJK ideograph outside the BMP
        String last = "\uD840\uDC01"; // U+20001
        String masked = Masking.buyer(first + "abc" + last);
        assertEquals(first + "***" + last, masked);
        assertWellFormed(masked);
        assertEquals("*", Masking.buyer(first));
        assertEquals("**", Masking.buyer(first + last));
        assertEquals(first + "***" + last, Masking.buyer(first + "x" + last));
    }

    @Test
    void recordsMaskInToString() {
        PayRequest pay = new PayRequest("100010000000002", "p20180725180605466813", "284447106610060508", 2100,
                "Consume", "211918", "123456", "http://192.168.31.72:8080/scanforpay/notify");
        assertEquals("PayRequest[storeNo=100010000000002, partnerOrderNo=p20180725180605466813, "
                + "barcode=28************0508, orderAmount=2100]", pay.toString());

        OrderResult result = new OrderResult(1, "success", "2018072518060757", "p20180725180605466813", 2100,
                "Alipay", 1, "2018-07-25T18:06:12+08:00", "JPY", "cd****@qq.com", "208xxxxxxxxxx012");
        assertEquals("OrderResult[code=1, msg=success, orderNo=2018072518060757, "
                + "partnerOrderNo=p20180725180605466813, status=1, buyer=c***m]", result.toString());
        assertFalse(result.toString().contains("208xxxxxxxxxx012"), result.toString());
    }

    private static void assertWellFormed(String s) {
        // A lone surrogate does not survive a UTF-8 round trip (it becomes '?').
        assertEquals(s, new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
