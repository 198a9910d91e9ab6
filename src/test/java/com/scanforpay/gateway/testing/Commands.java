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

    /** {@link #pay(String, String, int)} with the optional order title and operator. */
    public static String pay(String order, String barcode, int amount, String orderTitle, String operatorId) {
        return """
                {"type":"PAY","partnerOrderNo":"%s","barcode":"%s","orderAmount":%d,"orderTitle":"%s",\
                "operatorId":"%s"}""".formatted(order, barcode, amount, orderTitle, operatorId);
    }

    /** {@link #pay(String, String, int)} naming the store {@code storeNo}; without one for {@code null}. */
    public static String payAtStore(String storeNo, String order, String barcode, int amount) {
        if (storeNo == null) {
            return pay(order, barcode, amount);
        }
        return """
                {"type":"PAY","storeNo":"%s","partnerOrderNo":"%s","barcode":"%s","orderAmount":%d}""".formatted(
                storeNo, order, barcode, amount);
    }

    /** A REFUND command of {@code amount} of the paid {@code order}, as refund {@code refundNo}. */
    public static String refund(String order, String refundNo, int amount) {
        return """
                {"type":"REFUND","partnerOrderNo":"%s","refundNo":"%s","orderAmount":%d}""".formatted(order,
                refundNo, amount);
    }
}
