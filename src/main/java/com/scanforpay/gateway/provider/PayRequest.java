package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Body of {@code POST /api/offline/pay}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"storeNo", "partnerOrderNo", "barcode", "orderAmount", "orderTitle", "operatorId", "terminalNo",
        "notifyUrl"})
public record PayRequest(String storeNo, String partnerOrderNo, String barcode, int orderAmount, String orderTitle,
        String operatorId, String terminalNo, String notifyUrl) {

    @Override
    public String toString() {
        return "PayRequest[storeNo=" + storeNo + ", partnerOrderNo=" + partnerOrderNo + ", barcode="
                + Masking.barcode(barcode) + ", orderAmount=" + orderAmount + "]";
    }
}
