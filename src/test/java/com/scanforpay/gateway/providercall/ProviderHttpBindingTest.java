package com.scanforpay.gateway.providercall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.component.vertx.http.DefaultVertxHttpBinding;
import org.apache.camel.component.vertx.http.VertxHttpBinding;
import org.apache.camel.component.vertx.http.VertxHttpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * A partner's base URL goes in the {@code CamelHttpUri} header; TLS must follow its scheme, port or not. Nothing is
 * sent: the request is only prepared.
 */
class ProviderHttpBindingTest {

    private static final ProviderHttpBinding BINDING = new ProviderHttpBinding(Duration.ofMillis(800),
            Duration.ofSeconds(30));

    @Test
    void tlsFollowsTheUrlsSchemeAlsoWithAnExplicitPort() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            VertxHttpEndpoint endpoint = context.getEndpoint("vertx-http:https://pay.scanforpay.com?httpMethod=POST",
                    VertxHttpEndpoint.class);
            endpoint.start();

            assertEquals(Boolean.TRUE, ssl(BINDING, endpoint, context, "https://jp.pay.example:8443"));
            assertEquals(Boolean.TRUE, ssl(BINDING, endpoint, context, "https://jp.pay.example"));
            assertEquals(Boolean.FALSE, ssl(BINDING, endpoint, context, "http://127.0.0.1:8089"));
            // why the binding exists: camel-vertx-http's own would send the first one as plain HTTP
            assertEquals(Boolean.FALSE, ssl(new DefaultVertxHttpBinding(), endpoint, context,
                    "https://jp.pay.example:8443"));
        }
    }

    @Test
    void waitingForAConnectionIsBoundedByTheConnectTimeoutNotByTheResponseTimeout() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            // camel-vertx-http sets this one timeout, which Vert.x would apply to getting a connection too
            VertxHttpEndpoint endpoint = context.getEndpoint(
                    "vertx-http:https://pay.scanforpay.com?httpMethod=POST&timeout=30000", VertxHttpEndpoint.class);
            endpoint.start();

            HttpRequest<Buffer> request = BINDING.prepareHttpRequest(endpoint, exchange(context,
                    "https://pay.scanforpay.com"));
            assertEquals(800, request.connectTimeout());
            assertEquals(30_000, request.idleTimeout());
        }
    }

    private static Boolean ssl(VertxHttpBinding binding, VertxHttpEndpoint endpoint, DefaultCamelContext context,
            String baseUrl) throws Exception {
        return binding.prepareHttpRequest(endpoint, exchange(context, baseUrl)).ssl();
    }

    private static Exchange exchange(DefaultCamelContext context, String baseUrl) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, baseUrl);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, ProviderCalls.PAY_PATH);
        exchange.getMessage().setBody(new byte[] {'{', '}'});
        return exchange;
    }
}
