package com.scanforpay.gateway.payment;

import static com.scanforpay.gateway.payment.DecisionSteps.decide;
import static com.scanforpay.gateway.payment.DecisionSteps.is;
import static com.scanforpay.gateway.payment.DecisionSteps.nextResult;
import static com.scanforpay.gateway.payment.DecisionSteps.resultCount;

import com.scanforpay.gateway.FlowPolicies;
import com.scanforpay.gateway.command.CommandDispatcher;
import com.scanforpay.gateway.command.CommandValidation;
import com.scanforpay.gateway.command.PaymentCommandParser;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.kafka.KafkaEndpoints;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.providercall.ProviderCallRoute;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.providercall.RequestSigning;
import com.scanforpay.gateway.publishing.PaymentResultRoute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The payment command flow:
 * <pre>
 * commands topic → validate (each record: a command, or a rejection naming the field, to dead letters)
 *                → dispatch (all orders at once, each order's commands in turn)
 * PAY    → admit in the ledger → decide → [sign → call ScanForPay → interpret, move the ledger] → publish
 * QUERY  → decide whom to ask → [sign → call ScanForPay] → publish the answer
 * REFUND → admit in the ledger → decide → [sign → call ScanForPay → record] → publish (and REFUNDED, once)
 * </pre>
 * The decisions are plain Java ({@link PaymentDecisions}, {@link RefundDecisions}); the error policy of the
 * per-command routes is {@link FlowPolicies#COMMANDS} (failures go back to the dispatcher; the consumer's own route
 * has none, {@link FlowPolicies#STEPS}); concurrency and offset commits: {@link CommandDispatcher} and
 * {@code CommandConsumer}.
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

    @Inject
    PaymentCommandParser parser;
    @Inject
    PaymentDecisions payments;
    @Inject
    RefundDecisions refunds;
    @Inject
    PaymentAdmissions admissions;
    @Inject
    RequestSigning sign;
    @Inject
    KafkaEndpoints kafka;
    @Inject
    @Named(IdempotencyBeans.DEAD_LETTERS)
    PostgresIdempotentRepository deadLetters;

    @Override
    public void configure() {
        // the dispatcher owns the commands' fate: it tells the consumer what is done, and what an outage held back
        from(kafka.commandsConsumer(getCamelContext())).routeId("payment-commands")
                .routeConfigurationId(FlowPolicies.STEPS)
                .process(new CommandValidation(parser, deadLetters))
                .process(new CommandDispatcher(getCamelContext(), COMMAND, DISPATCH_THREADS));

        from(COMMAND).routeId("payment-command").routeConfigurationId(FlowPolicies.COMMANDS)
                .choice()
                    .when(exchange -> command(exchange).type() == CommandType.PAY).to(PAY)
                    .when(exchange -> command(exchange).type() == CommandType.REFUND).to(REFUND)
                    .otherwise().to(QUERY);

        from(PAY).routeId("pay-command").routeConfigurationId(FlowPolicies.COMMANDS)
                .process(exchange -> exchange.setProperty(PaymentAdmissions.PAYMENT, payments.newPayment(command(exchange))))
                .process(admissions) // the ledger's admission; coalesced with the payments starting with it
                .process(decide(exchange -> payments.admitPayment(command(exchange), admission(exchange),
                        sinceAdmission(exchange))))
                .filter(is(Decision.Call.class))
                    .process(sign)
                    .to(ProviderCallRoute.CALL)
                    .process(decide(exchange -> payments.afterPay(command(exchange), reply(exchange), 1)))
                .end()
                .filter(is(Decision.Publish.class))
                    .loop(resultCount()).process(nextResult()).to(PaymentResultRoute.PUBLISH);

        from(QUERY).routeId("query-command").routeConfigurationId(FlowPolicies.COMMANDS)
                .process(decide(exchange -> payments.prepareQuery(command(exchange))))
                .filter(is(Decision.Call.class))
                    .process(sign)
                    .to(ProviderCallRoute.CALL)
                    .process(decide(exchange -> payments.queryAnswered(command(exchange), reply(exchange))))
                .end()
                .filter(is(Decision.Publish.class))
                    .loop(resultCount()).process(nextResult()).to(PaymentResultRoute.PUBLISH);

        from(REFUND).routeId("refund-command").routeConfigurationId(FlowPolicies.COMMANDS)
                .process(decide(exchange -> refunds.admitRefund(command(exchange))))
                .filter(is(Decision.Call.class))
                    .process(sign)
                    .to(ProviderCallRoute.CALL)
                    .process(decide(exchange -> refunds.recordRefund(command(exchange), reply(exchange))))
                .end()
                .filter(is(Decision.Publish.class))
                    .loop(resultCount()).process(nextResult()).to(PaymentResultRoute.PUBLISH);
    }

    private static PaymentCommand command(Exchange exchange) {
        return exchange.getProperty(CommandDispatcher.COMMAND, PaymentCommand.class);
    }

    private static Admission admission(Exchange exchange) {
        return exchange.getProperty(PaymentAdmissions.ADMISSION, Admission.class);
    }

    private static Duration sinceAdmission(Exchange exchange) {
        return Duration.ofNanos(System.nanoTime() - exchange.getProperty(PaymentAdmissions.ADMITTED_AT, Long.class));
    }

    private static ProviderReply reply(Exchange exchange) {
        return exchange.getMessage().getBody(ProviderReply.class);
    }
}
