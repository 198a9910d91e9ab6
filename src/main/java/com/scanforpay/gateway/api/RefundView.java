package com.scanforpay.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.payment.PaymentResult;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A refund as the ledger has it ({@code GET /payments/{partnerOrderNo}/refunds/{refundNo}}): {@code result} is
 * its REFUND result once it has one (SUCCESS, FAILED; UNKNOWN when the provider's answer never came).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"refundNo", "partnerOrderNo", "state", "orderAmount", "result"})
@Schema(name = "Refund")
public record RefundView(String refundNo, String partnerOrderNo, RefundState state, int orderAmount,
        PaymentResult result) {
}
