package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Body of a pay response, a payQuery response and a notify callback: the provider uses one shape for all
 * three. Everything but {@code code} and {@code msg} is absent on a failure.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"code", "msg", "orderNo", "partnerOrderNo", "orderAmount", "wallet", "status", "payTime",
        "currency", "buyer", "buyerId"})
public record OrderResult(Integer code, String msg, String orderNo, String partnerOrderNo, Integer orderAmount,
        String wallet, Integer status, String payTime, String currency, String buyer, String buyerId) {

    public static final int CODE_SUCCESS = 1;
    public static final int CODE_ORDER_NOT_FOUND = 30;

    public static final int STATUS_WAITING = 0;
    public static final int STATUS_PAID = 1;
    public static final int STATUS_FAILED = 2;
    public static final int STATUS_REFUNDED = 3;

    /** Derived, not a field of the protocol: never serialised (a sealed sandbox response must not carry it). */
    @JsonIgnore
    public boolean isSuccess() {
        return code != null && code == CODE_SUCCESS;
    }

    @Override
    public String toString() {
        return "OrderResult[code=" + code + ", msg=" + msg + ", orderNo=" + orderNo + ", partnerOrderNo="
                + partnerOrderNo + ", status=" + status + ", buyer=" + Masking.buyer(buyer) + "]";
    }
}
