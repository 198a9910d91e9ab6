package com.scanforpay.gateway.providercall;

import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.UnknownStoreException;

import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.providercall.ProviderReply.Inconclusive.Kind;
import com.scanforpay.gateway.provider.MalformedMessageException;
import com.scanforpay.gateway.provider.OpenedEnvelope;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.PayRequest;
import com.scanforpay.gateway.provider.QueryRequest;
import com.scanforpay.gateway.provider.RefundRequest;
import com.scanforpay.gateway.provider.RefundResult;
import com.scanforpay.gateway.provider.RequestHeader;
import com.scanforpay.gateway.provider.ResponseHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.SignatureMismatchException;
import com.scanforpay.gateway.provider.SignedEnvelope;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Turns a command into its signed provider request, and the provider's HTTP answer into a {@link ProviderReply}.
 * Every answer that does not prove an outcome (HTTP error, unparseable or wrongly signed body) is
 * {@link ProviderReply.Inconclusive}: it is never read as a failure, because the customer may have been charged.
 *
 * <p>Each request is made for the partner account serving its store: that partner's {@code partnerNo} in the
 * header, its key on the signature, its base URL; the answer is verified with the same key.
 */
public final class ProviderCalls {

    public static final String PAY_PATH = "/api/offline/pay";
    public static final String QUERY_PATH = "/api/common/payQuery";
    public static final String REFUND_PATH = "/api/common/refund";
    /** Provider answers are well under 1 KB; a larger body is not even parsed (an answer, not a payload). */
    public static final int MAX_ANSWER_SIZE = 64 * 1024;

    private final ScanForPayEnvelope envelope;
    private final Partners partners;
    private final Optional<String> notifyUrl;
    private final Clock clock;

    public ProviderCalls(ScanForPayEnvelope envelope, Partners partners, Optional<String> notifyUrl, Clock clock) {
        this.envelope = envelope;
        this.partners = partners;
        this.notifyUrl = notifyUrl.filter(url -> !url.isBlank());
        this.clock = clock;
    }

    /**
     * The partner serving {@code storeNo}; the default partner when no store is known ({@code null}: a refund of an
     * order the ledger does not know). Empty for a store no partner serves.
     */
    public Optional<Partner> partnerFor(String storeNo) {
        return storeNo == null ? Optional.of(partners.defaultPartner()) : partners.forStore(storeNo);
    }

    /** The partner a ledger payment was sent through, for its queries, its re-send and its refunds. */
    public Optional<Partner> partnerOf(LedgerEntry payment) {
        return partners.ofPayment(payment.partnerNo(), payment.storeNo());
    }

    /** Why nobody can be asked about a ledger payment: {@link #partnerOf} is empty. */
    public static String noPartner(LedgerEntry payment) {
        return payment.partnerNo() != null ? "partnerNo " + payment.partnerNo() + ", which the payment was sent "
                + "through, is not configured any more: add that partner back under scanforpay.partners"
                : UnknownStoreException.message(payment.storeNo());
    }

    /**
     * The request of a command for the partner serving its store (PAY, QUERY).
     *
     * @throws UnknownStoreException when no partner serves it (the parser rejects such commands)
     */
    public ProviderRequest request(PaymentCommand command) {
        return request(command, partnerFor(command.storeNo())
                .orElseThrow(() -> new UnknownStoreException(command.storeNo())));
    }

    /** The request of {@code command}, sealed for {@code partner}. */
    public ProviderRequest request(PaymentCommand command, Partner partner) {
        RequestHeader header = RequestHeader.next(partner.partnerNo(), clock);
        return switch (command.type()) {
            case PAY -> new ProviderRequest(partner, PAY_PATH, seal(partner, header,
                    new PayRequest(command.storeNo(), command.partnerOrderNo(), command.barcode(),
                            command.orderAmount(), command.orderTitle(), command.operatorId(), command.terminalNo(),
                            notifyUrl.orElse(null))),
                    header.reqMsgId());
            case QUERY -> new ProviderRequest(partner, QUERY_PATH, seal(partner, header,
                    new QueryRequest(command.storeNo(), command.partnerOrderNo(), command.orderNo())),
                    header.reqMsgId());
            case REFUND -> new ProviderRequest(partner, REFUND_PATH, seal(partner, header,
                    new RefundRequest(command.partnerOrderNo(), command.refundNo(), command.orderAmount(),
                            command.operatorId(), command.terminalNo())),
                    header.reqMsgId());
        };
    }

    private SignedEnvelope seal(Partner partner, RequestHeader header, Object body) {
        return envelope.seal(partner.signer(), ScanForPayEnvelope.REQUEST, header, body);
    }

    /** The answer to a call that could not be made, for {@code reason} (no partner to send it through). */
    public ProviderReply notSent(String reason) {
        return new ProviderReply.Inconclusive(Kind.NOT_SENT, "not sent: " + reason, null);
    }

    /**
     * Interprets the provider's HTTP answer to {@code request}: verified with the key of the partner it was sent for.
     * Any status and bytes at all ({@code null} reads as empty) end as a reply, never an exception.
     */
    public ProviderReply read(ProviderRequest request, int httpStatus, byte[] body) {
        String reqMsgId = request.reqMsgId();
        if (httpStatus != 200) {
            return new ProviderReply.Inconclusive(Kind.HTTP_STATUS, "provider answered HTTP " + httpStatus, reqMsgId);
        }
        if (body != null && body.length > MAX_ANSWER_SIZE) {
            return new ProviderReply.Inconclusive(Kind.MALFORMED, "provider response is malformed: " + body.length
                    + " bytes, larger than " + MAX_ANSWER_SIZE + "; not read", reqMsgId);
        }
        try {
            if (REFUND_PATH.equals(request.path())) {
                OpenedEnvelope<ResponseHeader, RefundResult> refund = envelope.open(body, ScanForPayEnvelope.RESPONSE,
                        request.partner().signer(), ResponseHeader.class, RefundResult.class);
                return ofOurPartner(request, refund.header()) ? new ProviderReply.Refund(refund.body(), reqMsgId)
                        : otherPartner(request);
            }
            OpenedEnvelope<ResponseHeader, OrderResult> order = envelope.open(body, ScanForPayEnvelope.RESPONSE,
                    request.partner().signer(), ResponseHeader.class, OrderResult.class);
            return ofOurPartner(request, order.header()) ? new ProviderReply.Order(order.body(), reqMsgId)
                    : otherPartner(request);
        } catch (MalformedMessageException e) {
            return new ProviderReply.Inconclusive(Kind.MALFORMED, "provider response is malformed: " + e.getMessage(),
                    reqMsgId);
        } catch (SignatureMismatchException e) {
            return new ProviderReply.Inconclusive(Kind.BAD_SIGNATURE, "provider response failed verification: " + e.getMessage(),
                    reqMsgId);
        } catch (RuntimeException | StackOverflowError e) {
            // last line of defence: an answer nobody can read proves nothing, so it is inconclusive like the others
            return new ProviderReply.Inconclusive(Kind.MALFORMED, "provider response could not be read", reqMsgId);
        }
    }

    /** An answer is about the account the request was made for only if its header names that {@code partnerNo}. */
    private static boolean ofOurPartner(ProviderRequest request, ResponseHeader header) {
        return request.partner().partnerNo().equals(header.partnerNo());
    }

    /** Signed with our key but naming another account (or none): proves nothing about our order. */
    private static ProviderReply otherPartner(ProviderRequest request) {
        return new ProviderReply.Inconclusive(Kind.MISMATCH, "provider answer's header does not name partnerNo "
                + request.partner().partnerNo(), request.reqMsgId());
    }

    /** No answer at all (no connection in time, timeout, refused or reset connection). */
    public ProviderReply noAnswer(String reqMsgId, Throwable cause) {
        boolean timedOut = cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout");
        // Vert.x's words when the connect timeout ran out before the call had a connection: it was never sent
        boolean neverSent = timedOut && String.valueOf(cause.getMessage()).contains("getting a connection");
        Kind kind = neverSent ? Kind.NO_CONNECTION : timedOut ? Kind.TIMEOUT : Kind.CONNECTION;
        return new ProviderReply.Inconclusive(kind, "no answer from provider: " + cause.getClass().getSimpleName(),
                reqMsgId);
    }
}
