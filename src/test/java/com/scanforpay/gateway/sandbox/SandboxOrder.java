package com.scanforpay.gateway.sandbox;

import com.scanforpay.gateway.provider.Masking;

/**
 * An order as the sandbox holds it: a snapshot, replaced on every change.
 *
 * @param partnerOrderNo  the merchant's order number
 * @param orderNo         the sandbox's order number ({@code SFP} + digits)
 * @param storeNo         the store of the pay request
 * @param amount          the paid (or to be paid) amount, in the currency's smallest unit
 * @param status          0 waiting, 1 paid, 2 failed, 3 fully refunded
 * @param wallet          {@code Alipay} or {@code Wechat}
 * @param currency        e.g. {@code JPY}
 * @param payTime         RFC 3339 time of payment; {@code null} unless paid
 * @param refundedAmount  sum of the successful refunds
 * @param notifyUrl       the pay request's notifyUrl, {@code null} when absent
 * @param buyer           masked buyer account, when the wallet reports one
 * @param buyerId         buyer id, when the wallet reports one
 */
public record SandboxOrder(String partnerOrderNo, String orderNo, String storeNo, int amount, int status,
        String wallet, String currency, String payTime, int refundedAmount, String notifyUrl, String buyer,
        String buyerId) {

    public static final int WAITING = 0;
    public static final int PAID = 1;
    public static final int FAILED = 2;
    public static final int REFUNDED = 3;

    /** What can still be refunded. */
    public int remainingAmount() {
        return amount - refundedAmount;
    }

    SandboxOrder withStatus(int newStatus, String newPayTime) {
        return new SandboxOrder(partnerOrderNo, orderNo, storeNo, amount, newStatus, wallet, currency, newPayTime,
                refundedAmount, notifyUrl, buyer, buyerId);
    }

    SandboxOrder withRefund(int refund) {
        int refunded = refundedAmount + refund;
        return new SandboxOrder(partnerOrderNo, orderNo, storeNo, amount, refunded >= amount ? REFUNDED : status,
                wallet, currency, payTime, refunded, notifyUrl, buyer, buyerId);
    }

    @Override
    public String toString() {
        return "SandboxOrder[partnerOrderNo=" + partnerOrderNo + ", orderNo=" + orderNo + ", storeNo=" + storeNo
                + ", amount=" + amount + ", status=" + status + ", wallet=" + wallet + ", currency=" + currency
                + ", payTime=" + payTime + ", refundedAmount=" + refundedAmount + ", notifyUrl=" + notifyUrl
                + ", buyer=" + Masking.buyer(buyer) + ", buyerId=" + Masking.buyer(buyerId) + "]";
    }
}
