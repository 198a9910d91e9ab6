package com.scanforpay.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.kafka.KafkaProducers;
import com.scanforpay.gateway.payment.PaymentResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

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
    ScanForPayConfig config;
    @Inject
    ResultWaiters waiters;
    @Inject
    ObjectMapper mapper;

    @Override
    public void configure() {
        from(SUBMIT).routeId("submit-command")
                .errorHandler(noErrorHandler())
                .to(KafkaProducers.reliable(config.topic().commands(), config.publishTimeout()));

        // A notification stream, not work: a group of its own per instance (every instance sees every result),
        // from the end; nothing is lost by skipping earlier records, since a request that started waiting before
        // this consumer saw a result finds it in the ledger.
        from("kafka:" + config.topic().results()
                + "?groupId=scanforpay-api-" + UUID.randomUUID()
                + "&autoOffsetReset=latest"
                + "&autoCommitEnable=true"
                + "&pollTimeoutMs=100"
                // fetched in larger, fewer requests: results produced here answer their waiters directly, only
                // those of other instances come this way (at most 100 ms later)
                + "&fetchMinBytes=65536"
                + "&fetchWaitMaxMs=100"
                + "&keyDeserializer=" + StringDeserializer.class.getName()
                + "&valueDeserializer=" + ByteArrayDeserializer.class.getName())
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
