package com.scanforpay.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.FlowPolicies;
import com.scanforpay.gateway.kafka.KafkaEndpoints;
import com.scanforpay.gateway.payment.PaymentResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The HTTP API's two Kafka routes: commands from HTTP go to the commands topic like any other producer's (so the
 * same flow, ledger and rules pay them), and every instance reads the results topic to complete its waiting
 * requests.
 */
@ApplicationScoped
public class ApiRoutes extends RouteBuilder {

    /** Body: the command's JSON bytes; header {@code kafka.KEY}: its partnerOrderNo. Done on Kafka's ack. */
    public static final String SUBMIT = "direct:submit-command";

    @Inject
    KafkaEndpoints kafka;
    @Inject
    ResultWaiters waiters;
    @Inject
    ObjectMapper mapper;

    @Override
    public void configure() {
        // failures go back to the waiting request, which answers them
        from(SUBMIT).routeId("submit-command").routeConfigurationId(FlowPolicies.STEPS)
                .to(kafka.commands());

        from(kafka.resultsForWaiters())
                .routeId("api-result-waiters")
                .process(this::notifyWaiters);
    }

    private void notifyWaiters(Exchange exchange) {
        byte[] value = exchange.getMessage().getBody(byte[].class);
        // most results have nobody waiting on this instance (Kafka commands, or the result was produced here and
        // answered its waiter directly): not parsed
        if (value == null || waiters.isEmpty()) {
            return;
        }
        try {
            waiters.onResult(mapper.readValue(value, PaymentResult.class));
        } catch (Exception e) {
            // another producer's record, or a newer format: not ours to judge, only nobody is waiting for it
            log.debug("Results record not read for waiters: {}", e.toString());
        }
    }
}
