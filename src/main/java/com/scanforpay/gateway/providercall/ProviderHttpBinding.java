package com.scanforpay.gateway.providercall;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import java.net.URI;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.component.vertx.http.DefaultVertxHttpBinding;
import org.apache.camel.component.vertx.http.VertxHttpEndpoint;
import org.apache.camel.component.vertx.http.VertxHttpHelper;

/**
 * camel-vertx-http 4.17's binding, except for the timeouts and that TLS follows the URL's scheme.
 *
 * <p>Timeouts: camel-vertx-http sets one {@code timeout}, which Vert.x applies twice, to getting a connection and
 * then to waiting for the answer. Getting a connection (a pooled one may be busy) is bounded by the connect timeout
 * instead, shorter than the response timeout: a call that gets none in time was never sent and counts as
 * inconclusive, and a queued pay cannot reach the provider after a query has found no such order.
 *
 * <p>TLS: For a URL with an explicit port
 * ({@code https://pay.example:8443}) the default binding calls {@code WebClient.request(method, port, host, path)},
 * which takes TLS from the client options (off) rather than from the URL: the signed request would travel as plain
 * HTTP. URLs without a port ({@code requestAbs}) were already right.
 */
public final class ProviderHttpBinding extends DefaultVertxHttpBinding {

    private final Duration connectTimeout;
    private final Duration responseTimeout;

    public ProviderHttpBinding(Duration connectTimeout, Duration responseTimeout) {
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
    }

    @Override
    public HttpRequest<Buffer> prepareHttpRequest(VertxHttpEndpoint endpoint, Exchange exchange) throws Exception {
        // the same resolution the default binding makes (CamelHttpUri header, else the endpoint's URI, plus the
        // path); it consumes the REST DSL's URI header, which the default binding must still see
        Object restUri = exchange.getMessage().getHeader(Exchange.REST_HTTP_URI);
        URI uri = VertxHttpHelper.resolveHttpURI(exchange, endpoint);
        if (restUri != null) {
            exchange.getMessage().setHeader(Exchange.REST_HTTP_URI, restUri);
        }
        HttpRequest<Buffer> request = super.prepareHttpRequest(endpoint, exchange);
        return request.ssl("https".equalsIgnoreCase(uri.getScheme())).connectTimeout(connectTimeout.toMillis())
                .idleTimeout(responseTimeout.toMillis());
    }
}
