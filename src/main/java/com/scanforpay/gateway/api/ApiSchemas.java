package com.scanforpay.gateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies as documented in the OpenAPI document; the resource reads the raw bytes (same parser as Kafka). */
public final class ApiSchemas {

    private ApiSchemas() {
    }

    @Schema(name = "PayCommand", description = "A PAY command (docs/contract.md §3.1); unknown fields are ignored")
    public record PayCommand(
            @Schema(description = "PAY or absent", enumeration = {"PAY"}) String type,
            @Schema(description = "required unless SCANFORPAY_STORE_NO is set", maxLength = 15) String storeNo,
            @Schema(required = true, maxLength = 32, description = "printable ASCII, no spaces") String partnerOrderNo,
            @Schema(required = true, maxLength = 20, pattern = "[0-9]+") String barcode,
            @Schema(required = true, minimum = "1", maximum = "2147483647",
                    description = "in the currency's smallest unit") Integer orderAmount,
            @Schema(maxLength = 100) String orderTitle,
            @Schema(maxLength = 20) String operatorId,
            @Schema(maxLength = 20) String terminalNo) {
    }

    @Schema(name = "RefundRequest", description = "A refund of the order in the path (a REFUND command)")
    public record RefundRequest(
            @Schema(required = true, maxLength = 32) String refundNo,
            @Schema(required = true, minimum = "1", description = "the amount to refund") Integer orderAmount,
            @Schema(maxLength = 20) String operatorId,
            @Schema(maxLength = 20) String terminalNo) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    @Schema(name = "Accepted", description = "Taken, not final yet: poll the Location")
    public record Accepted(String partnerOrderNo, String refundNo, String location) {
    }
}
