package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.provider.MalformedMessageException;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.PayRequest;
import com.scanforpay.gateway.provider.QueryRequest;
import com.scanforpay.gateway.provider.RefundRequest;
import com.scanforpay.gateway.provider.RefundResult;
import com.scanforpay.gateway.provider.RequestHeader;
import com.scanforpay.gateway.provider.ResponseHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.SignatureMismatchException;
import java.time.Clock;
import java.util.Optional;

/**
 * Turns a command into its signed provider request, and the provider's HTTP answer into a {@link ProviderReply}.
 * Every answer that does not prove an outcome (HTTP error, unparseable or wrongly signed body) is
 * {@link ProviderReply.Inconclusive}: it is never read as a failure, because the customer may have been charged.
 */
public final class ProviderCalls {

    public static final String PAY_PATH = "/api/offline/pay";
    public static final String QUERY_PATH = "/api/common/payQuery";
    public static final String REFUND_PATH = "/api/common/refund";
    static final String HTTP_ERROR = "provider answered HTTP ";
    static final String MALFORMED = "provider response is malformed: ";

    private final ScanForPayEnvelope envelope;
    private final String partnerNo;
    private final Optional<String> notifyUrl;
    private final Clock clock;

    public ProviderCalls(ScanForPayEnvelope envelope, String partnerNo, Optional<String> notifyUrl, Clock clock) {
        this.envelope = envelope;
        this.partnerNo = partnerNo;
        this.notifyUrl = notifyUrl.filter(url -> !url.isBlank());
        this.clock = clock;
    }

    public ProviderRequest request(PaymentCommand command) {
        RequestHeader header = RequestHeader.next(partnerNo, clock);
        return switch (command.type()) {
            case PAY -> new ProviderRequest(PAY_PATH, envelope.seal(ScanForPayEnvelope.REQUEST, header,
                    new PayRequest(command.storeNo(), command.partnerOrderNo(), command.barcode(),
                            command.orderAmount(), command.orderTitle(), command.operatorId(), command.terminalNo(),
                            notifyUrl.orElse(null))),
                    header.reqMsgId());
            case QUERY -> new ProviderRequest(QUERY_PATH, envelope.seal(ScanForPayEnvelope.REQUEST, header,
                    new QueryRequest(command.storeNo(), command.partnerOrderNo(), command.orderNo())),
                    header.reqMsgId());
            case REFUND -> new ProviderRequest(REFUND_PATH, envelope.seal(ScanForPayEnvelope.REQUEST, header,
                    new RefundRequest(command.partnerOrderNo(), command.refundNo(), command.orderAmount(),
                            command.operatorId(), command.terminalNo())),
                    header.reqMsgId());
        };
    }

    /** Interprets the provider's HTTP answer to a request sent to {@code path}. */
    public ProviderReply read(String path, String reqMsgId, int httpStatus, byte[] body) {
        if (httpStatus != 200) {
            return new ProviderReply.Inconclusive(HTTP_ERROR + httpStatus, reqMsgId);
        }
        try {
            if (REFUND_PATH.equals(path)) {
                return new ProviderReply.Refund(envelope.open(body, ScanForPayEnvelope.RESPONSE, ResponseHeader.class,
                        RefundResult.class).body(), reqMsgId);
            }
            return new ProviderReply.Order(envelope.open(body, ScanForPayEnvelope.RESPONSE, ResponseHeader.class,
                    OrderResult.class).body(), reqMsgId);
        } catch (MalformedMessageException e) {
            return new ProviderReply.Inconclusive(MALFORMED + e.getMessage(), reqMsgId);
        } catch (SignatureMismatchException e) {
            return new ProviderReply.Inconclusive("provider response failed verification: " + e.getMessage(),
                    reqMsgId);
        }
    }

    /** No answer at all (timeout, refused or reset connection). */
    public ProviderReply noAnswer(String reqMsgId, Throwable cause) {
        return new ProviderReply.Inconclusive("no answer from provider: " + cause.getClass().getSimpleName(),
                reqMsgId);
    }
}
