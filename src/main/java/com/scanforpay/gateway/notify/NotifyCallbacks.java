package com.scanforpay.gateway.notify;

import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.command.CleanText;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.publishing.PaymentResults;
import com.scanforpay.gateway.provider.MalformedMessageException;
import com.scanforpay.gateway.provider.OpenedEnvelope;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.ResponseHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.SignatureMismatchException;
import com.scanforpay.gateway.provider.UnknownPartnerException;

/**
 * Reads one notify callback (plain Java): the signature is checked on the raw {@code response} bytes as
 * received, with the key of the partner named in the notification's own header ({@code partnerNo}; one the gateway
 * does not know is refused, never checked with another key), then the body must name the order, its status and its
 * amount before it becomes a result.
 */
public final class NotifyCallbacks {

    private static final int MAX_ORDER_NO = 32;

    private final ScanForPayEnvelope envelope;
    private final Partners partners;
    private final PaymentResults results;

    public NotifyCallbacks(ScanForPayEnvelope envelope, Partners partners, PaymentResults results) {
        this.envelope = envelope;
        this.partners = partners;
        this.results = results;
    }

    /** A verified notification: its result, and the partner whose key signed it. */
    public record Verified(Partner partner, PaymentResult result) {
    }

    /**
     * Any bytes at all ({@code null} reads as empty) end here as a verified notification or this one exception.
     *
     * @throws RejectedNotificationException with a short reason naming the field
     */
    public Verified read(byte[] raw) {
        OpenedEnvelope<ResponseHeader, OrderResult> opened;
        try {
            opened = envelope.open(raw, ScanForPayEnvelope.RESPONSE, partners, ResponseHeader.class,
                    OrderResult.class);
        } catch (UnknownPartnerException e) {
            throw new RejectedNotificationException(NotifyVerdict.UNKNOWN_PARTNER, e.getMessage());
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
        // it keys the ledger (PostgreSQL refuses NUL), the results topic and log lines
        String unclean = CleanText.problem(partnerOrderNo);
        if (unclean != null) {
            throw malformed("partnerOrderNo " + unclean);
        }
        if (body.code() == null) {
            throw malformed("code is missing");
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
        // verified with this partner's key, so the header's partnerNo is one of ours
        Partner partner = partners.byPartnerNo(opened.header().partnerNo()).orElseThrow(() ->
                new RejectedNotificationException(NotifyVerdict.UNKNOWN_PARTNER,
                        "unknown partner: the header's partnerNo is not one of ours"));
        return new Verified(partner, results.fromNotify(body, opened.header().messageId()));
    }

    private static RejectedNotificationException malformed(String reason) {
        return new RejectedNotificationException(NotifyVerdict.MALFORMED, "malformed notification: " + reason);
    }
}
