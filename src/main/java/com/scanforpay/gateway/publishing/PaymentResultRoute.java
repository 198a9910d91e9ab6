package com.scanforpay.gateway.publishing;

import com.scanforpay.gateway.kafka.KafkaProducers;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.api.ResultWaiters;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.logging.PaymentLogContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;

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
    private static final String PUBLISHED = "scanforpay.publishedResult";
    private static final Duration CLAIM_RETRY = Duration.ofMillis(250);

    @Inject
    ScanForPayConfig config;
    @Inject
    ObjectMapper mapper;
    @Inject
    @Named(IdempotencyBeans.PUBLISHED_RESULTS)
    PostgresIdempotentRepository publishedResults;
    @Inject
    PaymentLedger ledger;
    @Inject
    MeterRegistry meters;
    @Inject
    ProducerTemplate sender;
    @Inject
    ResultWaiters waiters;

    /** {@code scanforpay_payment_time_to_final_result_seconds}: see {@link #timeToFinalResult}. */
    static final String TIME_TO_FINAL_RESULT = "scanforpay.payment.time.to.final.result";
    private static final Duration[] TIME_TO_FINAL_RESULT_BUCKETS = {Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};

    private final Map<String, Counter> publishedCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> settledTimers = new ConcurrentHashMap<>();

    @Override
    public void configure() {
        // failures go back to the caller, whose flow owns the policy
        errorHandler(noErrorHandler());

        from(PUBLISH).routeId("publish-result")
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

        from(PUBLISH_ONCE).routeId("publish-result-once")
                .process(exchange -> {
                    exchange.removeProperty(ExchangePropertyKey.DUPLICATE_MESSAGE);
                    PaymentResult result = exchange.getMessage().getBody(PaymentResult.class);
                    exchange.setProperty(RESULT, result);
                    exchange.setProperty(RESULT_KEY, resultKey(result));
                })
                .idempotentConsumer(exchangeProperty(RESULT_KEY)).idempotentRepository(publishedResults)
                        .eager(true).completionEager(true).removeOnFailure(true).skipDuplicate(true)
                    .choice()
                        .when(exchange -> describedStates(exchange.getProperty(RESULT, PaymentResult.class)) != null)
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
                // the payment's final result is on Kafka (now, or before): the ledger stops offering it again
                .filter(exchange -> exchange.getProperty(RESULT, PaymentResult.class).outcome().isPaymentFinal())
                    .process(exchange -> {
                        PaymentResult result = exchange.getProperty(RESULT, PaymentResult.class);
                        ledger.confirmPublished(result.partnerOrderNo(), PaymentState.valueOf(result.outcome().name()))
                                .ifPresent(sinceAdmission -> timeToFinalResult(result, sinceAdmission));
                    });

        from(SEND).routeId("send-result")
                .log("Publishing ${body}")
                .process(this::serialise)
                .to(KafkaProducers.reliable(config.topic().results(), config.publishTimeout()))
                .process(this::countPublished);
    }

    /**
     * The policy of every flow that publishes results: a result that another path is publishing right now is
     * tried again every 250 ms, without holding a thread, until it is published there (then dropped here as a
     * repeat) or released; only a claim left by a crash lasts the whole lease.
     */
    public static void retryWhileBeingPublishedElsewhere(RouteBuilder flow, Duration claimLease) {
        flow.onException(ResultBeingPublishedException.class)
                .redeliveryDelay(CLAIM_RETRY.toMillis()).asyncDelayedRedelivery()
                .maximumRedeliveries((int) (claimLease.toMillis() / CLAIM_RETRY.toMillis()) + 1);
    }

    /**
     * Sends a payment's waiting (PENDING) or UNKNOWN result only while the ledger has the payment in a state that
     * result describes, and keeps the payment from moving until Kafka has it: a late "waiting" is never published
     * after the settlement, which waits and is published after it.
     */
    private void sendWhileCurrent(Exchange exchange) {
        PaymentResult result = exchange.getProperty(RESULT, PaymentResult.class);
        if (!ledger.publishWhileIn(result.partnerOrderNo(), describedStates(result), () -> send(exchange))) {
            log.info("{} {} not published: the payment has moved on", result.partnerOrderNo(), result.outcome());
        }
    }

    /** The ledger states a PENDING or UNKNOWN result describes; null for the others, which need no guard. */
    private static Set<PaymentState> describedStates(PaymentResult result) {
        return switch (result.outcome()) {
            case PENDING -> EnumSet.of(PaymentState.PAYING, PaymentState.PENDING, PaymentState.CHECKING);
            case UNKNOWN -> EnumSet.of(PaymentState.UNKNOWN);
            default -> null;
        };
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

    /** One key per payment outcome: {@code partnerOrderNo/type/outcome}. */
    static String resultKey(PaymentResult result) {
        return result.partnerOrderNo() + "/" + result.type() + "/" + result.outcome();
    }

    private void repeat(Exchange exchange) {
        String key = exchange.getProperty(RESULT_KEY, String.class);
        if (!publishedResults.isDone(key)) {
            throw new ResultBeingPublishedException("result " + key);
        }
        log.debug("Result {} was already published", key);
    }

    /**
     * Results acknowledged by Kafka, by type, outcome and the path that learnt them; and the API's waiters for it on
     * this instance are answered.
     */
    private void countPublished(Exchange exchange) {
        PaymentResult result = exchange.getProperty(PUBLISHED, PaymentResult.class);
        publishedCounters.computeIfAbsent(result.type() + "/" + result.outcome() + "/" + result.source(),
                key -> meters.counter("scanforpay.results", "type", result.type().name(), "outcome",
                        result.outcome().name(), "source", result.source().name())).increment();
        // a till waiting on this instance's API gets it now, not after a round trip through the results topic
        waiters.onResult(result);
    }

    /**
     * A payment's time from its admission to the ledger until its final result was on Kafka, recorded once per
     * payment (the ledger's confirmation says which publication was the first, across paths and instances). Only
     * the settlement, SUCCESS or FAILED: a later REFUNDED is the refunds' doing, not the payment's latency.
     */
    private void timeToFinalResult(PaymentResult result, Duration sinceAdmission) {
        if (result.outcome() != Outcome.SUCCESS && result.outcome() != Outcome.FAILED) {
            return;
        }
        // looked up once per outcome and source, like the results counters
        settledTimers.computeIfAbsent(result.outcome() + "/" + result.source(),
                key -> Timer.builder(TIME_TO_FINAL_RESULT)
                        .description("from a payment's admission to the ledger until Kafka acknowledged its final "
                                + "result")
                        .tag("type", result.type().name()).tag("outcome", result.outcome().name())
                        .tag("source", result.source().name())
                        // customers confirm in their wallets, the resolver asks for minutes: buckets up to an hour
                        .serviceLevelObjectives(TIME_TO_FINAL_RESULT_BUCKETS)
                        .register(meters))
                .record(sinceAdmission);
    }

    private void serialise(Exchange exchange) throws Exception {
        PaymentResult result = exchange.getMessage().getBody(PaymentResult.class);
        exchange.setProperty(PUBLISHED, result);
        exchange.getMessage().getHeaders().clear();
        if (result.partnerOrderNo() != null) {
            exchange.getMessage().setHeader(KafkaConstants.KEY, result.partnerOrderNo());
        }
        exchange.getMessage().setBody(mapper.writeValueAsBytes(result));
    }
}
