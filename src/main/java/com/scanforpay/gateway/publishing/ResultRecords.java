package com.scanforpay.gateway.publishing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.api.ResultWaiters;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.payment.PaymentResult;
import jakarta.inject.Singleton;
import java.util.EnumSet;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;

/** A result as a Kafka record, and what follows Kafka's acknowledgement of it; the publishing rules' keys. */
@Singleton
public class ResultRecords {

    /** Exchange property: the result being sent, while the body is its record. */
    private static final String SENT = "scanforpay.publishedResult";

    private final ObjectMapper mapper;
    private final ResultMetrics metrics;
    private final ResultWaiters waiters;

    public ResultRecords(ObjectMapper mapper, ResultMetrics metrics, ResultWaiters waiters) {
        this.mapper = mapper;
        this.metrics = metrics;
        this.waiters = waiters;
    }

    /** The body's result, serialised once, keyed by its {@code partnerOrderNo}, with no other header. */
    void toRecord(Exchange exchange) throws Exception {
        PaymentResult result = exchange.getMessage().getBody(PaymentResult.class);
        exchange.setProperty(SENT, result);
        exchange.getMessage().getHeaders().clear();
        if (result.partnerOrderNo() != null) {
            exchange.getMessage().setHeader(KafkaConstants.KEY, result.partnerOrderNo());
        }
        exchange.getMessage().setBody(mapper.writeValueAsBytes(result));
    }

    /** Kafka has the result: counted, and the API's waiters for it on this instance are answered. */
    void acknowledged(Exchange exchange) {
        PaymentResult result = exchange.getProperty(SENT, PaymentResult.class);
        metrics.published(result);
        // a till waiting on this instance's API gets it now, not after a round trip through the results topic
        waiters.onResult(result);
    }

    /** One key per payment outcome: {@code partnerOrderNo/type/outcome}. */
    static String onceKey(PaymentResult result) {
        return result.partnerOrderNo() + "/" + result.type() + "/" + result.outcome();
    }

    /** The ledger states a PENDING or UNKNOWN result describes; null for the others, which need no guard. */
    static Set<PaymentState> describedStates(PaymentResult result) {
        return switch (result.outcome()) {
            case PENDING -> EnumSet.of(PaymentState.PAYING, PaymentState.PENDING, PaymentState.CHECKING);
            case UNKNOWN -> EnumSet.of(PaymentState.UNKNOWN);
            default -> null;
        };
    }
}
