package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import io.vertx.core.VertxException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The payment command flow: commands from Kafka, signed provider calls, results to Kafka, invalid commands to
 * the dead-letter topic. How batches, concurrency and offset commits fit together: {@link CommandBatchDispatcher}
 * and {@link ProcessedOffsetCommit}.
 */
@ApplicationScoped
public class PaymentCommandRoute extends RouteBuilder {

    static final String COMMAND = "direct:payment-command";
    static final String REJECT = "direct:reject-command";

    private static final Duration CLAIM_RETRY = Duration.ofMillis(250);

    @Inject
    ScanForPayConfig config;
    @Inject
    IdempotencyConfig idempotency;
    @Inject
    PaymentCommandParser parser;
    @Inject
    ProviderCalls providerCalls;
    @Inject
    PaymentResults results;

    @Override
    public void configure() {
        from(commandsUri()).routeId("payment-commands")
                .process(new CommandBatchDispatcher(getCamelContext(), parser, COMMAND, REJECT))
                // still on the consumer thread, and only reached when every result is acknowledged
                .process(exchange -> ProcessedOffsetCommit.commitBatch(exchange.getMessage().getBody(java.util.List.class)));

        from(COMMAND).routeId("payment-command")
                // No answer at all: the outcome is unknown, never failed. Anything else unhandled fails the batch.
                .onException(IOException.class, TimeoutException.class, VertxException.class).handled(true)
                    .process(this::noAnswer)
                    .to(PaymentResultRoute.PUBLISH)
                .end()
                // The notify path is publishing this very result: wait (without a thread) until it is done or
                // released, then publish or drop it as a repeat. Only a claim left by a crash lasts the lease.
                .onException(ResultBeingPublishedException.class)
                    .redeliveryDelay(CLAIM_RETRY.toMillis()).asyncDelayedRedelivery()
                    .maximumRedeliveries((int) (idempotency.claimLease().toMillis() / CLAIM_RETRY.toMillis()) + 1)
                .end()
                .process(this::sealRequest)
                .to(providerUri())
                .process(this::readAnswer)
                .to(PaymentResultRoute.PUBLISH);

        from(REJECT).routeId("reject-command")
                .process(DeadLetters::toDeadLetter)
                .log(LoggingLevel.WARN, "Dead-lettered command from ${header.scanforpay-source-topic}"
                        + "/${header.scanforpay-source-partition}@${header.scanforpay-source-offset}: "
                        + "${header.scanforpay-error-code} ${header.scanforpay-error-message}")
                .to(deadLetterUri())
                .filter(exchange -> DeadLetters.rejection(exchange).partnerOrderNo() != null)
                    .process(exchange -> exchange.getMessage().setBody(results.rejected(DeadLetters.rejection(exchange))))
                    .to(PaymentResultRoute.PUBLISH);
    }

    private void sealRequest(Exchange exchange) {
        ProviderRequest request = providerCalls.request(exchange.getProperty(CommandBatchDispatcher.COMMAND,
                PaymentCommand.class));
        exchange.setProperty(ProviderRequest.class.getName(), request);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, request.path());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
        exchange.getMessage().setBody(request.envelope().bytes());
    }

    private void readAnswer(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(providerCalls.answer(command(exchange), request(exchange).reqMsgId(),
                status == null ? 0 : status, body == null ? new byte[0] : body));
    }

    private void noAnswer(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProviderRequest request = request(exchange);
        exchange.getMessage().setBody(providerCalls.noAnswer(command(exchange),
                request == null ? null : request.reqMsgId(), cause));
    }

    private static PaymentCommand command(Exchange exchange) {
        return exchange.getProperty(CommandBatchDispatcher.COMMAND, PaymentCommand.class);
    }

    private static ProviderRequest request(Exchange exchange) {
        return exchange.getProperty(ProviderRequest.class.getName(), ProviderRequest.class);
    }

    private String commandsUri() {
        ScanForPayConfig.Consumer consumer = config.consumer();
        return "kafka:" + config.topic().commands()
                + "?groupId=" + consumer.groupId()
                + "&batching=true"
                + "&maxPollRecords=" + consumer.maxInFlight()
                + "&pollTimeoutMs=" + consumer.pollTimeout().toMillis()
                + "&sessionTimeoutMs=" + consumer.sessionTimeout().toMillis()
                + "&heartbeatIntervalMs=" + consumer.sessionTimeout().toMillis() / 3
                + "&batchingIntervalMs=1"
                + "&autoOffsetReset=earliest"
                + "&autoCommitEnable=false"
                + "&allowManualCommit=true"
                + "&kafkaManualCommitFactory=#" + PaymentBeans.OFFSET_COMMIT
                // a failed batch reconnects the consumer, which resumes from the last committed offsets
                + "&breakOnFirstError=true"
                + "&keyDeserializer=" + ByteArrayDeserializer.class.getName()
                + "&valueDeserializer=" + ByteArrayDeserializer.class.getName();
    }

    private String providerUri() {
        return "vertx-http:" + config.baseUrl()
                + "?httpMethod=POST"
                + "&throwExceptionOnFailure=false"
                + "&timeout=" + config.responseTimeout().toMillis()
                + "&webClientOptions=#" + PaymentBeans.PROVIDER_HTTP_OPTIONS;
    }

    private String deadLetterUri() {
        return "kafka:" + config.topic().dlq()
                + "?keySerializer=" + ByteArraySerializer.class.getName()
                + "&valueSerializer=" + ByteArraySerializer.class.getName();
    }
}
