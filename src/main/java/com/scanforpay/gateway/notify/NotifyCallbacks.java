package com.scanforpay.gateway.notify;

import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.PaymentResults;
import com.scanforpay.gateway.provider.MalformedMessageException;
import com.scanforpay.gateway.provider.OpenedEnvelope;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.ResponseHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.SignatureMismatchException;

/**
 * Reads one notify callback (plain Java): the signature is checked on the raw {@code response} bytes as
 * received, then the body must name the order, its status and its amount before it becomes a result.
 */
public final class NotifyCallbacks {

    private static final int MAX_ORDER_NO = 32;

    private final ScanForPayEnvelope envelope;
    private final PaymentResults results;

    public NotifyCallbacks(ScanForPayEnvelope envelope, PaymentResults results) {
        this.envelope = envelope;
        this.results = results;
    }

    /** @throws RejectedNotificationException with a short reason naming the field */
    public PaymentResult read(byte[] raw) {
        OpenedEnvelope<ResponseHeader, OrderResult> opened;
        try {
            opened = envelope.open(raw, ScanForPayEnvelope.RESPONSE, ResponseHeader.class, OrderResult.class);
        } catch (SignatureMismatchException e) {
            throw new RejectedNotificationException(NotifyVerdict.BAD_SIGNATURE, "bad signature: " + e.getMessage());
        } catch (MalformedMessageException e) {
            throw new RejectedNotificationException(NotifyVerdict.MALFORMED, "malformed notification: "
                    + e.getMessage());
        }
        OrderResult body = opened.body();
        String partnerOrderNo = body.partnerOrderNo();
        if (partnerOrderNo == null || partnerOrderNo.isBlank()) {
            throw malformed("partnerOrderNo is missing");
        }
        if (partnerOrderNo.length() > MAX_ORDER_NO) {
            throw malformed("partnerOrderNo is longer than " + MAX_ORDER_NO + " characters");
        }
        if (body.status() == null) {
            throw malformed("status is missing");
        }
        if (body.status() < OrderResult.STATUS_WAITING || body.status() > OrderResult.STATUS_REFUNDED) {
            throw malformed("status must be 0, 1, 2 or 3");
        }
        if (body.orderAmount() == null) {
            throw malformed("orderAmount is missing");
        }
        if (body.orderAmount() <= 0) {
            throw malformed("orderAmount must be positive");
        }
        return results.fromNotify(body, opened.header() == null ? null : opened.header().messageId());
    }

    private static RejectedNotificationException malformed(String reason) {
        return new RejectedNotificationException(NotifyVerdict.MALFORMED, "malformed notification: " + reason);
    }
}
