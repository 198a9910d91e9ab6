package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.command.FieldError;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** One event on the results topic (docs/contract.md §3.2); absent fields are omitted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"partnerOrderNo", "type", "outcome", "source", "code", "msg", "status", "orderNo", "orderAmount",
        "currency", "wallet", "payTime", "buyer", "buyerId", "refundNo", "errors", "reqMsgId", "timestamp"})
public record PaymentResult(String partnerOrderNo, CommandType type, Outcome outcome, ResultSource source,
        Integer code, String msg, Integer status, String orderNo, Integer orderAmount, String currency, String wallet,
        String payTime, String buyer, String buyerId, String refundNo, List<FieldError> errors, String reqMsgId,
        String timestamp) {

    @Override
    public String toString() {
        // buyer data stays out of logs
        return "PaymentResult[partnerOrderNo=" + partnerOrderNo + ", type=" + type + ", outcome=" + outcome
                + ", source=" + source + ", code=" + code + ", status=" + status + ", reqMsgId=" + reqMsgId + "]";
    }
}
