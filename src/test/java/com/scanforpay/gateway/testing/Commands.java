package com.scanforpay.gateway.testing;

/** Payment commands as ERP and POS systems send them (docs/contract.md §3.1), for the tests to publish or post. */
public final class Commands {

    private Commands() {
    }

    /** A PAY command of {@code amount} for {@code order}, paid with {@code barcode}. */
    public static String pay(String order, String barcode, int amount) {
        return """
                {"type":"PAY","partnerOrderNo":"%s","barcode":"%s","orderAmount":%d}""".formatted(order, barcode,
                amount);
    }
}
