package com.scanforpay.gateway.payment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.config.ScanForPayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishing a result: serialised once, keyed by {@code partnerOrderNo}, done when Kafka has acknowledged it
 * (acks=all, idempotent producer). Every path that learns a result ends here.
 */
@ApplicationScoped
public class PaymentResultRoute extends RouteBuilder {

    public static final String PUBLISH = "direct:publish-result";

    @Inject
    ScanForPayConfig config;
    @Inject
    ObjectMapper mapper;

    @Override
    public void configure() {
        from(PUBLISH).routeId("publish-result")
                // Callers include HTTP answers on the Vert.x event loop, and KafkaProducer.send blocks while the
                // broker is unreachable: hand over to a small pool so the event loop never waits for Kafka.
                .threads(2, 8).threadName("result-publish")
                .log("Publishing ${body}")
                .process(this::serialise)
                .to("kafka:" + config.topic().results()
                        + "?requestRequiredAcks=all"
                        + "&keySerializer=" + StringSerializer.class.getName()
                        + "&valueSerializer=" + ByteArraySerializer.class.getName());
    }

    private void serialise(Exchange exchange) throws Exception {
        PaymentResult result = exchange.getMessage().getBody(PaymentResult.class);
        exchange.getMessage().getHeaders().clear();
        if (result.partnerOrderNo() != null) {
            exchange.getMessage().setHeader(KafkaConstants.KEY, result.partnerOrderNo());
        }
        exchange.getMessage().setBody(mapper.writeValueAsBytes(result));
    }
}
