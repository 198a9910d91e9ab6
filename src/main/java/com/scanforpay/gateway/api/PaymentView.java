package com.scanforpay.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.payment.PaymentResult;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A payment as the ledger has it ({@code GET /payments/{partnerOrderNo}}): {@code result} is its final result
 * once it has one; {@code query} the provider's answer when asked with {@code ?refresh=true}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"partnerOrderNo", "state", "orderAmount", "refundedAmount", "providerOrderNo", "result", "query"})
@Schema(name = "Payment")
public record PaymentView(String partnerOrderNo, PaymentState state, int orderAmount, long refundedAmount,
        String providerOrderNo, PaymentResult result, PaymentResult query) {
}
