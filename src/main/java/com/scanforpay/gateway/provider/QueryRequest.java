package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Body of {@code POST /api/common/payQuery}: at least one order number; the provider prefers {@code orderNo}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"storeNo", "partnerOrderNo", "orderNo"})
public record QueryRequest(String storeNo, String partnerOrderNo, String orderNo) {
}
