package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
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

    @Test
    void tlsFollowsTheUrlsSchemeAlsoWithAnExplicitPort() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            VertxHttpEndpoint endpoint = context.getEndpoint("vertx-http:https://pay.scanforpay.com?httpMethod=POST",
                    VertxHttpEndpoint.class);
            endpoint.start();

            assertEquals(Boolean.TRUE, ssl(new ProviderHttpBinding(), endpoint, context, "https://jp.pay.example:8443"));
            assertEquals(Boolean.TRUE, ssl(new ProviderHttpBinding(), endpoint, context, "https://jp.pay.example"));
            assertEquals(Boolean.FALSE, ssl(new ProviderHttpBinding(), endpoint, context, "http://127.0.0.1:8089"));
            // why the binding exists: camel-vertx-http's own would send the first one as plain HTTP
            assertEquals(Boolean.FALSE, ssl(new DefaultVertxHttpBinding(), endpoint, context,
                    "https://jp.pay.example:8443"));
        }
    }

    private static Boolean ssl(VertxHttpBinding binding, VertxHttpEndpoint endpoint, DefaultCamelContext context,
            String baseUrl) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, baseUrl);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, ProviderCalls.PAY_PATH);
        exchange.getMessage().setBody(new byte[] {'{', '}'});
        HttpRequest<Buffer> request = binding.prepareHttpRequest(endpoint, exchange);
        return request.ssl();
    }
}
