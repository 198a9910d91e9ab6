package com.scanforpay.gateway.publishing;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentResult;

import com.scanforpay.gateway.FlowPolicies;
import com.scanforpay.gateway.kafka.KafkaEndpoints;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.logging.PaymentLogContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.builder.RouteBuilder;

/**
 * Publishing a result: serialised once, keyed by {@code partnerOrderNo}, done when Kafka has acknowledged it
 * (acks=all, idempotent producer). Every path that learns a result ends here: pay responses, queries, notifies.
 *
 * <p>A payment's outcome is published once per (order, type, outcome) whichever path learns it first: the key
 * is claimed in PostgreSQL before publishing, confirmed after Kafka's acknowledgement, released if publishing
 * fails. A repeat of a confirmed key is dropped quietly; a key another path holds right now raises
 * {@link ResultBeingPublishedException}, and the caller waits for the other path (retrying without holding a
 * thread) until it is published there.
 *
 * <p>A payment's PENDING or UNKNOWN result is sent only while the ledger has the payment in a state that result
 * describes, and the payment cannot move until Kafka has it ({@link PaymentLedger#publishWhileIn}): a late
 * "waiting" is never published after the settlement, and what settles the payment is published after it.
 */
@ApplicationScoped
public class PaymentResultRoute extends RouteBuilder {

    public static final String PUBLISH = "direct:publish-result";
    private static final String PUBLISH_ONCE = "direct:publish-result-once";
    private static final String SEND = "direct:send-result";
    private static final String RESULT_KEY = "scanforpay.resultKey";
    private static final String RESULT = "scanforpay.result";

    @Inject
    @Named(IdempotencyBeans.PUBLISHED_RESULTS)
    PostgresIdempotentRepository publishedResults;
    @Inject
    PaymentLedger ledger;
    @Inject
    ResultMetrics metrics;
    @Inject
    ResultRecords records;
    @Inject
    KafkaEndpoints kafka;
    @Inject
    ProducerTemplate sender;

    @Override
    public void configure() {
        from(PUBLISH).routeId("publish-result").routeConfigurationId(FlowPolicies.STEPS)
                .process(exchange -> {
                    PaymentResult result = exchange.getMessage().getBody(PaymentResult.class);
                    PaymentLogContext.about(exchange, result.partnerOrderNo());
                    PaymentLogContext.request(exchange, result.reqMsgId());
                })
                // Callers include HTTP answers on the Vert.x event loop, and both KafkaProducer.send and the key
                // store can block: hand over to a pool so the event loop never waits for them. Its threads mostly
                // wait for their key claims, which go to PostgreSQL together (one statement for those waiting).
                .threads(8, 8).threadName("result-publish")
                .choice()
                    .when(exchange -> exchange.getMessage().getBody(PaymentResult.class).type() == CommandType.PAY)
                        .to(PUBLISH_ONCE)
                    .otherwise()
                        .to(SEND);

        from(PUBLISH_ONCE).routeId("publish-result-once").routeConfigurationId(FlowPolicies.STEPS)
                .process(exchange -> {
                    exchange.removeProperty(ExchangePropertyKey.DUPLICATE_MESSAGE);
                    PaymentResult result = exchange.getMessage().getBody(PaymentResult.class);
                    exchange.setProperty(RESULT, result);
                    exchange.setProperty(RESULT_KEY, ResultRecords.onceKey(result));
                })
                .idempotentConsumer(exchangeProperty(RESULT_KEY)).idempotentRepository(publishedResults)
                        .eager(true).completionEager(true).removeOnFailure(true).skipDuplicate(true)
                    .choice()
                        .when(exchange -> ResultRecords.describedStates(exchange.getProperty(RESULT, PaymentResult.class)) != null)
                            .process(this::sendWhileCurrent)
                        .otherwise()
                            // a final result was just written by the move that settled the payment (only SUCCESS
                            // can move on, to REFUNDED), a REJECTED one is about its command: sent holding nothing
                            .to(SEND)
                    .end()
                .end()
                // outside the idempotent block, so that a failing repeat never releases the other path's claim
                .filter(exchangeProperty(ExchangePropertyKey.DUPLICATE_MESSAGE.getName()).isEqualTo(true))
                    .process(this::repeat)
                .end()
                .filter(exchange -> exchange.getProperty(RESULT, PaymentResult.class).outcome().isPaymentFinal())
                    .process(this::confirmFinal);

        from(SEND).routeId("send-result").routeConfigurationId(FlowPolicies.STEPS)
                .log("Publishing ${body}")
                .process(records::toRecord)
                .to(kafka.results())
                .process(records::acknowledged);
    }

    /**
     * Sends a payment's waiting (PENDING) or UNKNOWN result only while the ledger has the payment in a state that
     * result describes, and keeps the payment from moving until Kafka has it: a late "waiting" is never published
     * after the settlement, which waits and is published after it.
     */
    private void sendWhileCurrent(Exchange exchange) {
        PaymentResult result = exchange.getProperty(RESULT, PaymentResult.class);
        if (!ledger.publishWhileIn(result.partnerOrderNo(), ResultRecords.describedStates(result), () -> send(exchange))) {
            log.info("{} {} not published: the payment has moved on", result.partnerOrderNo(), result.outcome());
        }
    }

    /** Sends to Kafka on this thread (inside the ledger's transaction), and fails as the send failed. */
    private void send(Exchange exchange) {
        sender.send(SEND, exchange);
        Exception failure = exchange.getException();
        if (failure != null) {
            exchange.setException(null);
            throw failure instanceof RuntimeException runtime ? runtime : new RuntimeCamelException(failure);
        }
    }

    private void repeat(Exchange exchange) {
        String key = exchange.getProperty(RESULT_KEY, String.class);
        if (!publishedResults.isDone(key)) {
            throw new ResultBeingPublishedException("result " + key);
        }
        log.debug("Result {} was already published", key);
    }

    /** The payment's final result is on Kafka (now, or before): the ledger stops offering it again. */
    private void confirmFinal(Exchange exchange) {
        PaymentResult result = exchange.getProperty(RESULT, PaymentResult.class);
        ledger.confirmPublished(result.partnerOrderNo(), PaymentState.valueOf(result.outcome().name()))
                .ifPresent(sinceAdmission -> metrics.settled(result, sinceAdmission));
    }
}
