package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.provider.Masking;

/**
 * A validated command (docs/contract.md §3.1): fields already checked against the provider's limits, {@code storeNo}
 * already defaulted. Created only by {@link PaymentCommandParser}.
 */
public record PaymentCommand(CommandType type, String storeNo, String partnerOrderNo, String orderNo, String barcode,
        Integer orderAmount, String orderTitle, String operatorId, String terminalNo, String refundNo) {

    @Override
    public String toString() {
        return "PaymentCommand[type=" + type + ", storeNo=" + storeNo + ", partnerOrderNo=" + partnerOrderNo
                + ", orderNo=" + orderNo + ", barcode=" + Masking.barcode(barcode) + ", orderAmount=" + orderAmount
                + ", refundNo=" + refundNo + "]";
    }
}
