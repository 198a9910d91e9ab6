package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Body of a refund response; {@code status} is the refund's: 0 processing, 1 done, 2 failed. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"code", "msg", "orderAmount", "status", "currency"})
public record RefundResult(Integer code, String msg, Integer orderAmount, Integer status, String currency) {

    public static final int STATUS_PROCESSING = 0;
    public static final int STATUS_DONE = 1;
    public static final int STATUS_FAILED = 2;

    /** Derived, not a field of the protocol: never serialised (a sealed sandbox response must not carry it). */
    @JsonIgnore
    public boolean isSuccess() {
        return code != null && code == OrderResult.CODE_SUCCESS;
    }
}
