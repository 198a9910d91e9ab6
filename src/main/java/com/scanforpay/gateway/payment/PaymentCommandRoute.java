package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.RefundAdmission;
import com.scanforpay.gateway.ledger.RefundMove;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.partner.Partner;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The payment command flow: commands from Kafka, checked against the ledger, signed provider calls, results to
 * Kafka, invalid commands to the dead-letter topic. How batches, concurrency and offset commits fit together:
 * {@link CommandBatchDispatcher} and {@link ProcessedOffsetCommit}; the payment rules: {@link PaymentStateMachine}.
 *
 * <p>A PAY is sent to the provider only when the ledger admits it as new. A repeat (Kafka redelivery, an ERP
 * retry, another instance) gets the stored final result, or is resolved by querying; never a second pay call.
 */
@ApplicationScoped
public class PaymentCommandRoute extends RouteBuilder {


    static final String COMMAND = "direct:payment-command";
    private static final String PAY = "direct:pay-command";
    private static final String QUERY = "direct:query-command";
    private static final String REFUND = "direct:refund-command";
    /** Exchange property: the payment's REFUNDED result, when a refund made the refunds reach the paid amount. */
    private static final String PAYMENT_REFUNDED = "scanforpay.paymentRefunded";

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
    @Inject
    PaymentLedger ledger;
    @Inject
    PaymentStateMachine machine;
    @Inject
    PaymentProgress progress;
    @Inject
    StoredJson stored;
    @Inject
    MeterRegistry meters;
    @Inject
    BatchBudget budget;
    @Inject
    CommandIntake intake;
    @Inject
    LedgerProof proof;
    @Inject
    @Named(IdempotencyBeans.DEAD_LETTERS)
    PostgresIdempotentRepository deadLetters;

    @Override
    public void configure() {
        // A result being published elsewhere is waited for. Any other failure goes back to the dispatcher, which
        // dead-letters the command or, for an outage, holds it back: every step is safe to repeat (the ledger turns
        // a repeated PAY into a query or a republished result).
        PaymentResultRoute.retryWhileBeingPublishedElsewhere(this, idempotency.claimLease());
        // the dispatcher logs each failure once (an outage once per batch): no stack trace per command from Camel
        errorHandler(defaultErrorHandler().logExhausted(false));

        KafkaEndpoint commands = getCamelContext().getEndpoint(commandsUri(), KafkaEndpoint.class);
        // numbers each fetch, so a rewind knows what was fetched before it; given as a class, not a name, which
        // Kafka would look up in a class loader that does not see the application's
        commands.getConfiguration().getAdditionalProperties().put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG,
                List.of(FetchNumbering.class));
        from(commands).routeId("payment-commands")
                // the dispatcher is the flow's policy: it commits what is done, holds back what an outage stopped
                .errorHandler(noErrorHandler())
                .process(new CommandBatchDispatcher(getCamelContext(), parser, deadLetters, budget,
                        config.consumer().maxPollInterval(), intake, meters));

        from(COMMAND).routeId("payment-command")
                .choice()
                    .when(exchange -> command(exchange).type() == CommandType.PAY).to(PAY)
                    .when(exchange -> command(exchange).type() == CommandType.REFUND).to(REFUND)
                    .otherwise().to(QUERY);

        from(PAY).routeId("pay-command")
                .process(this::admitPayment)
                .filter(exchangeProperty(ProviderCallRoute.REQUEST).isNotNull())
                    .to(ProviderCallRoute.CALL)
                    .process(exchange -> exchange.getMessage().setBody(progress.apply(command(exchange)
                            .partnerOrderNo(), machine.afterPay(command(exchange), reply(exchange), 1))))
                .end()
                .filter(body().isNotNull())
                    .to(PaymentResultRoute.PUBLISH);

        from(QUERY).routeId("query-command")
                .process(this::prepareQuery)
                .filter(exchangeProperty(ProviderCallRoute.REQUEST).isNotNull())
                    .to(ProviderCallRoute.CALL)
                .end()
                .process(exchange -> exchange.getMessage().setBody(results.of(command(exchange),
                        PaymentStateMachine.aboutThisPayment(reply(exchange), command(exchange).partnerOrderNo(),
                                command(exchange).orderNo(), null))))
                .to(PaymentResultRoute.PUBLISH);

        from(REFUND).routeId("refund-command")
                .process(this::admitRefund)
                .filter(exchangeProperty(ProviderCallRoute.REQUEST).isNotNull())
                    .to(ProviderCallRoute.CALL)
                    .process(this::recordRefund)
                .end()
                .filter(body().isNotNull())
                    .to(PaymentResultRoute.PUBLISH)
                .end()
                // the refunds reached the paid amount: the payment's own REFUNDED result, once
                .filter(exchangeProperty(PAYMENT_REFUNDED).isNotNull())
                    .setBody(exchangeProperty(PAYMENT_REFUNDED))
                    .to(PaymentResultRoute.PUBLISH);
    }

    /** Sets the pay request for a new payment; otherwise the body is what to publish (or null). */
    private void admitPayment(Exchange exchange) {
        PaymentCommand command = command(exchange);
        exchange.getMessage().setBody(null);
        // recorded with the payment: its queries, re-send and refunds go through the same account
        Partner partner = providerCalls.partnerFor(command.storeNo())
                .orElseThrow(() -> new UnknownStoreException(command.storeNo())); // the parser rejects these
        Admission admission = ledger.admitPayment(command.partnerOrderNo(), command.storeNo(), partner.partnerNo(),
                command.orderAmount(), command.barcode(), machine.firstCheckOfPayCall(), config.pending().deadline(),
                config.pending().sweepDuration(), stored.write(command));
        if (admission instanceof Admission.Admitted) {
            exchange.setProperty(ProviderCallRoute.REQUEST, providerCalls.request(command, partner));
        } else if (admission instanceof Admission.Conflict conflict) {
            log.warn("PAY {} refused: {}", command.partnerOrderNo(), conflict.message());
            exchange.getMessage().setBody(results.rejected(command, new FieldError(conflict.field(),
                    conflict.message())));
        } else {
            LedgerEntry entry = ((Admission.Existing) admission).entry();
            if (entry.state().isFinal()) {
                // its result may have been lost in a crash; the publishing step drops it if it was not
                exchange.getMessage().setBody(machine.storedResult(entry));
            }
            // an unresolved payment is already on the resolver's schedule, which this repeat leaves as it is
            log.info("PAY {} is already {}: not paid again", command.partnerOrderNo(), entry.state());
        }
    }

    /**
     * Sets the query request: for an order the ledger knows, with its store, through the partner it was sent
     * through; otherwise for the command's {@code storeNo}. When that partner (or store) is not configured any
     * more, the body is set to an inconclusive answer, without a call.
     */
    private void prepareQuery(Exchange exchange) {
        PaymentCommand command = command(exchange);
        Optional<LedgerEntry> payment = command.partnerOrderNo() == null ? Optional.empty()
                : ledger.find(command.partnerOrderNo());
        String storeNo = payment.map(LedgerEntry::storeNo).orElse(command.storeNo());
        PaymentCommand query = Objects.equals(storeNo, command.storeNo()) ? command : new PaymentCommand(
                CommandType.QUERY, storeNo, command.partnerOrderNo(), command.orderNo(), null, null, null, null, null,
                null);
        Optional<Partner> partner = payment.isPresent() ? providerCalls.partnerOf(payment.get())
                : providerCalls.partnerFor(storeNo);
        if (partner.isPresent()) {
            exchange.setProperty(ProviderCallRoute.REQUEST, providerCalls.request(query, partner.get()));
        } else {
            String reason = payment.map(ProviderCalls::noPartner).orElseGet(() -> UnknownStoreException.message(storeNo));
            log.warn("QUERY {}: {}", command.partnerOrderNo(), reason);
            exchange.getMessage().setBody(providerCalls.notSent(reason));
        }
    }

    /**
     * Sets the refund request for an admitted refund, for the partner the order was paid through (the default
     * partner for an order the ledger does not know, when such refunds are allowed); otherwise the body is what to
     * publish.
     */
    private void admitRefund(Exchange exchange) {
        PaymentCommand command = command(exchange);
        Optional<LedgerEntry> payment = ledger.find(command.partnerOrderNo());
        if (payment.isEmpty() && !config.refund().unknownOrders()) {
            String reason = "order " + command.partnerOrderNo() + " is not in the ledger: the gateway refunds only "
                    + "payments it made (SCANFORPAY_REFUND_UNKNOWN_ORDERS=true allows others)";
            log.warn("REFUND {} of {} refused: {}", command.refundNo(), command.partnerOrderNo(), reason);
            exchange.getMessage().setBody(results.rejected(command, new FieldError("partnerOrderNo", reason)));
            return;
        }
        Optional<Partner> partner = payment.isPresent() ? providerCalls.partnerOf(payment.get())
                : providerCalls.partnerFor(null);
        if (partner.isEmpty()) {
            // checked before the refund is recorded: nothing to undo
            String reason = ProviderCalls.noPartner(payment.get());
            log.warn("REFUND {} of {} refused: {}", command.refundNo(), command.partnerOrderNo(), reason);
            exchange.getMessage().setBody(results.rejected(command, new FieldError("partnerOrderNo",
                    "the order cannot be refunded through the partner it was paid through: " + reason)));
            return;
        }
        RefundAdmission admission = ledger.admitRefund(command.refundNo(), command.partnerOrderNo(),
                command.orderAmount());
        if (admission instanceof RefundAdmission.Admitted) {
            exchange.setProperty(ProviderCallRoute.REQUEST, providerCalls.request(command, partner.get()));
        } else if (admission instanceof RefundAdmission.Refused refused) {
            log.warn("REFUND {} of {} refused: {}", command.refundNo(), command.partnerOrderNo(), refused.message());
            exchange.getMessage().setBody(results.rejected(command, new FieldError(refused.field(),
                    refused.message())));
        } else {
            var entry = ((RefundAdmission.Existing) admission).entry();
            log.info("REFUND {} is already {}: not refunded again", command.refundNo(), entry.state());
            if (entry.finalResult() != null) {
                exchange.getMessage().setBody(stored.result(entry.finalResult()));
            } else {
                // Its call was cut off by a crash (this repeat is Kafka's redelivery), or is still in flight
                // elsewhere: UNKNOWN now, so the command never ends without a result; a call still in flight
                // publishes its answer after it.
                exchange.getMessage().setBody(proof.refundCutOff(command));
            }
        }
    }

    private void recordRefund(Exchange exchange) {
        PaymentCommand command = command(exchange);
        PaymentResult result = results.of(command, PaymentStateMachine.aboutThisPayment(reply(exchange), null, null,
                command.orderAmount()));
        RefundState state = switch (result.outcome()) {
            case SUCCESS -> RefundState.SUCCESS;
            case FAILED -> RefundState.FAILED;
            case PENDING -> RefundState.PENDING;
            default -> RefundState.UNKNOWN;
        };
        // from UNKNOWN too: a repeat may have given the call up for lost while it was only slow
        RefundMove move = ledger.moveRefund(command.refundNo(), EnumSet.of(RefundState.REFUNDING, RefundState.UNKNOWN),
                state, stored.write(result), payment -> stored.write(machine.refundedInFull(payment, result.reqMsgId())),
                machine.publishGrace());
        if (!move.moved()) {
            log.warn("REFUND {} had already moved on; its answer {} is published as received", command.refundNo(),
                    result.outcome());
        } else if (state == RefundState.UNKNOWN) {
            // no refund query exists: only an operator can find out whether the money went back
            meters.counter("scanforpay.refunds.unknown").increment();
            log.error("ALERT: refund {} of order {} ({}) got no conclusive answer from ScanForPay ({}); check it with "
                    + "ScanForPay", command.refundNo(), command.partnerOrderNo(), command.orderAmount(), result.msg());
        }
        exchange.getMessage().setBody(result);
        if (move.paymentRefunded() != null) {
            exchange.setProperty(PAYMENT_REFUNDED, stored.result(move.paymentRefunded()));
        }
    }

    private static PaymentCommand command(Exchange exchange) {
        return exchange.getProperty(CommandBatchDispatcher.COMMAND, PaymentCommand.class);
    }

    private static ProviderReply reply(Exchange exchange) {
        return exchange.getMessage().getBody(ProviderReply.class);
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
                + "&maxPollIntervalMs=" + consumer.maxPollInterval().toMillis()
                + "&batchingIntervalMs=1"
                + "&autoOffsetReset=earliest"
                + "&autoCommitEnable=false"
                + "&allowManualCommit=true"
                + "&kafkaManualCommitFactory=#" + PaymentBeans.OFFSET_COMMIT
                // only a fault of the dispatcher itself fails a batch: the consumer then reconnects and resumes from
                // the committed offsets (anything else is committed, or rewound, by the dispatcher)
                + "&breakOnFirstError=true"
                + "&keyDeserializer=" + ByteArrayDeserializer.class.getName()
                + "&valueDeserializer=" + ByteArrayDeserializer.class.getName();
    }
}
