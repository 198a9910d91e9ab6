package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.command.CommandConsumer;
import com.scanforpay.gateway.command.CommandDispatcher;
import com.scanforpay.gateway.command.CommandIntake;
import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.command.PaymentCommandParser;
import com.scanforpay.gateway.providercall.ProviderCallRoute;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.publishing.PaymentResultRoute;
import com.scanforpay.gateway.publishing.PaymentResults;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.kafka.KafkaClients;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.NewPayment;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.RefundAdmission;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.ledger.RefundMove;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.partner.Partner;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The payment command flow: commands from Kafka, checked against the ledger, signed provider calls, results to
 * Kafka, invalid commands to the dead-letter topic. How concurrency and offset commits fit together:
 * {@link CommandConsumer} and {@link CommandDispatcher}; the payment rules: {@link PaymentStateMachine}.
 *
 * <p>A PAY is sent to the provider only when the ledger admits it as new. A repeat (Kafka redelivery, an ERP
 * retry, another instance) gets the stored final result, or is resolved by querying; never a second pay call.
 */
@ApplicationScoped
public class PaymentCommandRoute extends RouteBuilder {


    static final String COMMAND = "direct:payment-command";
    /**
     * Threads starting commands (up to the ledger's admission of a PAY, which {@link PaymentAdmissions} continues in
     * the same order; QUERY and REFUND up to their provider call, which holds none): one, so that commands start in
     * the order they were polled.
     */
    private static final int DISPATCH_THREADS = 1;
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
    RefundLedger refunds;
    @Inject
    PaymentStateMachine machine;
    @Inject
    PaymentProgress progress;
    @Inject
    StoredJson stored;
    @Inject
    MeterRegistry meters;
    @Inject
    CommandIntake intake;
    @Inject
    PaymentAdmissions admissions;
    @Inject
    KafkaClients kafkaClients;
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

        // the dispatcher is the flow's policy: it tells the consumer what is done, and what an outage held back
        from(new CommandConsumer.CommandsEndpoint(getCamelContext(), consumerSettings())).routeId("payment-commands")
                .errorHandler(noErrorHandler())
                .process(new CommandDispatcher(getCamelContext(), COMMAND, parser, deadLetters, DISPATCH_THREADS));

        from(COMMAND).routeId("payment-command")
                .choice()
                    .when(exchange -> command(exchange).type() == CommandType.PAY).to(PAY)
                    .when(exchange -> command(exchange).type() == CommandType.REFUND).to(REFUND)
                    .otherwise().to(QUERY);

        from(PAY).routeId("pay-command")
                .process(this::preparePayment)
                .process(admissions) // the ledger's admission; coalesced with the payments starting with it
                .process(this::admitted)
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

    /** The payment to admit, for the partner serving the command's store. */
    private void preparePayment(Exchange exchange) {
        PaymentCommand command = command(exchange);
        exchange.setProperty(PaymentAdmissions.PAYMENT, new NewPayment(command.partnerOrderNo(), command.storeNo(),
                partnerOf(command).partnerNo(), command.orderAmount(), command.barcode(), machine.firstCheckOfPayCall(),
                config.pending().deadline(), config.pending().sweepDuration(), stored.write(command)));
    }

    /** Sets the pay request for a new payment; otherwise the body is what to publish (or null). */
    private void admitted(Exchange exchange) {
        PaymentCommand command = command(exchange);
        exchange.getMessage().setBody(null);
        Admission admission = exchange.getProperty(PaymentAdmissions.ADMISSION, Admission.class);
        if (admission instanceof Admission.Admitted) {
            Duration waited = Duration.ofNanos(System.nanoTime() - exchange.getProperty(PaymentAdmissions.ADMITTED_AT,
                    Long.class));
            if (waited.compareTo(config.responseTimeout()) > 0) {
                // The resolver's first query is timed from the admission as if the call had started then (connect
                // and response timeouts, then a delay): a pay started this late could reach the provider after that
                // query. Never sent, it is asked about and sent once from there (only a stalled process waits so long).
                log.warn("PAY {} not sent: admitted {} ms ago; the resolver asks the provider about it and sends it "
                        + "once", command.partnerOrderNo(), waited.toMillis());
                return;
            }
            exchange.setProperty(ProviderCallRoute.REQUEST, providerCalls.request(command, partnerOf(command)));
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
        RefundAdmission admission = refunds.admitRefund(command.refundNo(), command.partnerOrderNo(),
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
        RefundMove move = refunds.moveRefund(command.refundNo(), EnumSet.of(RefundState.REFUNDING, RefundState.UNKNOWN),
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

    /** The partner a PAY is sent through (recorded with the payment: its queries, re-send and refunds use it). */
    private Partner partnerOf(PaymentCommand command) {
        // the parser rejects commands of stores no partner serves
        return providerCalls.partnerFor(command.storeNo()).orElseThrow(() -> new UnknownStoreException(
                command.storeNo()));
    }

    private static PaymentCommand command(Exchange exchange) {
        return exchange.getProperty(CommandDispatcher.COMMAND, PaymentCommand.class);
    }

    private static ProviderReply reply(Exchange exchange) {
        return exchange.getMessage().getBody(ProviderReply.class);
    }

    /**
     * How long a rebalance waits for the running commands of the partitions taken away: about the longest one
     * provider call and its publishing take, and well within the poll interval (the rebalance waits for it, and
     * the whole group with it).
     */
    private Duration revokeWait() {
        Duration call = config.connectTimeout().plus(config.responseTimeout()).plus(config.publishTimeout()
                .multipliedBy(2));
        Duration room = config.consumer().maxPollInterval().dividedBy(2);
        return call.compareTo(room) < 0 ? call : room;
    }

    /**
     * The commands consumer's settings. Its Kafka client is configured exactly as a camel-kafka consumer of the
     * topic would be (brokers, any {@code camel.component.kafka.*} setting and the {@code kafka.*} client properties
     * of {@link KafkaClients}), then fixed where the gateway needs it: its own commits, from the earliest record,
     * committed records only, bytes in.
     */
    private CommandConsumer.Settings consumerSettings() {
        ScanForPayConfig.Consumer consumer = config.consumer();
        KafkaConfiguration kafka = getCamelContext().getEndpoint("kafka:" + config.topic().commands(),
                KafkaEndpoint.class).getConfiguration();
        // a fraction of what may run, so that one poll never takes it past max-in-flight
        int maxPollRecords = Math.max(1, consumer.maxInFlight() / 4);
        Properties props = kafkaClients.withClientSettings(kafka.createConsumerProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, consumer.groupId());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(consumer.sessionTimeout().toMillis()));
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                String.valueOf(consumer.sessionTimeout().toMillis() / 3));
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(consumer.maxPollInterval().toMillis()));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // an ERP publishing in transactions: the command of an aborted one is never seen, so never paid
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        props.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return new CommandConsumer.Settings(config.topic().commands(),
                () -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                consumer.pollTimeout(), consumer.maxInFlight(), maxPollRecords, revokeWait(),
                Duration.ofMillis(kafka.getCommitTimeoutMs()), intake, meters);
    }
}
