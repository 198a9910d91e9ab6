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
 * Turns a command into its signed provider request, and the provider's HTTP answer into a result. Every answer
 * that does not prove an outcome (HTTP error, unparseable or wrongly signed body) becomes {@code UNKNOWN}: it is
 * never read as a failure, because the customer may have been charged.
 */
public final class ProviderCalls {

    public static final String PAY_PATH = "/api/offline/pay";
    public static final String QUERY_PATH = "/api/common/payQuery";
    public static final String REFUND_PATH = "/api/common/refund";

    private final ScanForPayEnvelope envelope;
    private final String partnerNo;
    private final Optional<String> notifyUrl;
    private final Clock clock;
    private final PaymentResults results;

    public ProviderCalls(ScanForPayEnvelope envelope, String partnerNo, Optional<String> notifyUrl, Clock clock,
            PaymentResults results) {
        this.envelope = envelope;
        this.partnerNo = partnerNo;
        this.notifyUrl = notifyUrl.filter(url -> !url.isBlank());
        this.clock = clock;
        this.results = results;
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

    /** Interprets the provider's HTTP answer to {@code command}'s request. */
    public PaymentResult answer(PaymentCommand command, String reqMsgId, int httpStatus, byte[] body) {
        ResultSource source = sourceOf(command.type());
        if (httpStatus != 200) {
            return results.unknown(command, source, "provider answered HTTP " + httpStatus, reqMsgId);
        }
        try {
            if (command.type() == CommandType.REFUND) {
                RefundResult refund = envelope.open(body, ScanForPayEnvelope.RESPONSE, ResponseHeader.class,
                        RefundResult.class).body();
                return results.fromRefund(command, refund, reqMsgId);
            }
            OrderResult order = envelope.open(body, ScanForPayEnvelope.RESPONSE, ResponseHeader.class,
                    OrderResult.class).body();
            return results.fromOrder(command, source, order, reqMsgId);
        } catch (MalformedMessageException e) {
            return results.unknown(command, source, "provider response is malformed: " + e.getMessage(), reqMsgId);
        } catch (SignatureMismatchException e) {
            return results.unknown(command, source, "provider response failed verification: " + e.getMessage(),
                    reqMsgId);
        }
    }

    /** No answer at all (timeout, refused or reset connection). */
    public PaymentResult noAnswer(PaymentCommand command, String reqMsgId, Throwable cause) {
        return results.unknown(command, sourceOf(command.type()),
                "no answer from provider: " + cause.getClass().getSimpleName(), reqMsgId);
    }

    static ResultSource sourceOf(CommandType type) {
        return switch (type) {
            case PAY -> ResultSource.PAY_RESPONSE;
            case QUERY -> ResultSource.QUERY;
            case REFUND -> ResultSource.REFUND_RESPONSE;
        };
    }
}
