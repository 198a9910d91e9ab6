package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Body of {@code POST /api/common/refund}; {@code orderAmount} is the amount to refund. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"partnerOrderNo", "refundNo", "orderAmount", "operatorId", "terminalNo"})
public record RefundRequest(String partnerOrderNo, String refundNo, int orderAmount, String operatorId,
        String terminalNo) {
}
