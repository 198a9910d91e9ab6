package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.LedgerProof;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.publishing.PaymentResultRoute;
import com.scanforpay.gateway.publishing.PaymentResults;
import com.scanforpay.gateway.publishing.ResultBeingPublishedException;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.FlowPolicies;
import com.scanforpay.gateway.kafka.KafkaEndpoints;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.command.ParsedCommand.Rejected;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * The dead-letter flow: commands that can never succeed as sent ({@code direct:reject-command}: invalid, too large,
 * for an unknown store) and commands whose processing failed for a reason of their own
 * ({@code direct:command-failed}) are copied to the dead-letter topic once, then what can be said of them is
 * published: a REJECTED result when the order number is readable, or, for a failed command, what the ledger proves
 * ({@link LedgerProof}).
 *
 * <p>Each record is dead-lettered exactly once, however often its batch is delivered: the dead letter is keyed by
 * the record's place (topic, partition, offset, timestamp) in the {@code dead-letters} repository, claimed before it
 * is sent and confirmed after Kafka's acknowledgement. The error policy is {@link FlowPolicies#COMMANDS}.
 */
@ApplicationScoped
public class DeadLetterRoute extends RouteBuilder {

    static final String REJECT = "direct:reject-command";
    static final String FAILED = "direct:command-failed";
    private static final String DEAD_LETTER = "direct:dead-letter";

    @Inject
    ScanForPayConfig config;
    @Inject
    KafkaEndpoints kafka;
    @Inject
    @Named(IdempotencyBeans.DEAD_LETTERS)
    PostgresIdempotentRepository deadLetters;
    @Inject
    PaymentResults results;
    @Inject
    LedgerProof proof;
    @Inject
    MeterRegistry meters;

    @Override
    public void configure() {
        from(REJECT).routeId("reject-command").routeConfigurationId(FlowPolicies.COMMANDS)
                .to(DEAD_LETTER)
                .filter(exchange -> DeadLetters.rejection(exchange).partnerOrderNo() != null)
                    .process(exchange -> exchange.getMessage().setBody(results.rejected(DeadLetters.rejection(exchange))))
                    .to(PaymentResultRoute.PUBLISH);

        from(FAILED).routeId("command-failed").routeConfigurationId(FlowPolicies.COMMANDS)
                .to(DEAD_LETTER)
                .process(exchange -> exchange.getMessage().setBody(proof.afterFailure(
                        exchange.getProperty(CommandDispatcher.COMMAND, PaymentCommand.class),
                        DeadLetters.rejection(exchange).message()).orElse(null)))
                .filter(body().isNotNull())
                    .to(PaymentResultRoute.PUBLISH);

        from(DEAD_LETTER).routeId("dead-letter").routeConfigurationId(FlowPolicies.COMMANDS)
                .process(DeadLetters::toDeadLetter)
                .process(exchange -> exchange.removeProperty(ExchangePropertyKey.DUPLICATE_MESSAGE))
                .idempotentConsumer(exchangeProperty(DeadLetters.KEY)).idempotentRepository(deadLetters)
                        .eager(true).completionEager(true).removeOnFailure(true).skipDuplicate(true)
                    .process(this::count)
                    .log(LoggingLevel.WARN, "Dead-lettered command from ${header.scanforpay-source-topic}"
                            + "/${header.scanforpay-source-partition}@${header.scanforpay-source-offset}: "
                            + "${header.scanforpay-error-code} ${header.scanforpay-error-message}")
                    .doTry()
                        .to(kafka.deadLetters())
                    .doCatch(RecordTooLargeException.class)
                        // the topic refuses the record whole (a command near the broker's size limit plus headers)
                        .process(exchange -> DeadLetters.truncate(exchange, maxCommandSize()))
                        .to(kafka.deadLetters())
                    .end()
                .end()
                .filter(exchangeProperty(ExchangePropertyKey.DUPLICATE_MESSAGE.getName()).isEqualTo(true))
                    .process(this::repeat)
                .end()
                // written now or before: the record is accounted for, whatever becomes of its result
                .setProperty(DeadLetters.WRITTEN, constant(true));
    }

    /** A repeat of a dead letter written before is dropped; one being written elsewhere right now is waited for. */
    private void repeat(Exchange exchange) {
        String key = exchange.getProperty(DeadLetters.KEY, String.class);
        if (!deadLetters.isDone(key)) {
            throw new ResultBeingPublishedException("dead letter " + key);
        }
        log.debug("Record {} was dead-lettered before", key);
    }

    private void count(Exchange exchange) {
        Rejected rejection = DeadLetters.rejection(exchange);
        meters.counter("scanforpay.commands.dead.lettered", "code", rejection.code().name()).increment();
    }

    private int maxCommandSize() {
        return (int) Math.min(Integer.MAX_VALUE, config.consumer().maxCommandSize().asLongValue());
    }
}
