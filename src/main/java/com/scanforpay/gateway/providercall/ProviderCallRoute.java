package com.scanforpay.gateway.providercall;

import com.scanforpay.gateway.payment.PaymentBeans;

import com.scanforpay.gateway.FlowPolicies;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.logging.PaymentLogContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.VertxException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * One signed call to ScanForPay: the sealed request of exchange property {@link #REQUEST} goes out exactly as
 * signed; the body comes back as a {@link ProviderReply}, never an exception for an unanswered call. The HTTP
 * client is asynchronous (a call in flight holds no thread); its answer is handed to a small pool before anything
 * else runs, because what follows reads and writes the ledger (JDBC) and Kafka.
 *
 * <p>Each partner account may have its own base URL: the request's goes in the {@code CamelHttpUri} header
 * ({@link Exchange#HTTP_URI}), which camel-vertx-http uses instead of the endpoint's URI (unless
 * {@code bridgeEndpoint}), with {@code CamelHttpPath} appended. So one endpoint, one client and one connection
 * pool per host serve every partner.
 */
@ApplicationScoped
public class ProviderCallRoute extends RouteBuilder {

    public static final String CALL = "direct:call-provider";
    /** Exchange property holding the {@link ProviderRequest} to send. */
    public static final String REQUEST = "scanforpay.providerRequest";
    private static final String STARTED = "scanforpay.providerCallStarted";

    @Inject
    ScanForPayConfig config;
    @Inject
    ProviderCalls providerCalls;
    @Inject
    MeterRegistry meters;

    private final Map<String, Timer> callTimers = new ConcurrentHashMap<>();

    @Override
    public void configure() {
        // the caller's flow owns the policy for anything this route cannot turn into a reply
        from(CALL).routeId("call-provider").routeConfigurationId(FlowPolicies.STEPS)
                .process(this::seal)
                .doTry()
                    .to(providerUri())
                    .process(this::read)
                .doCatch(IOException.class, TimeoutException.class, VertxException.class)
                    .process(this::noAnswer)
                .end()
                .threads(2, 16).threadName("provider-answer");
    }

    private void seal(Exchange exchange) {
        ProviderRequest request = request(exchange);
        PaymentLogContext.request(exchange, request.reqMsgId());
        exchange.setProperty(STARTED, System.nanoTime());
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.HTTP_URI, request.baseUrl());
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, request.path());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
        exchange.getMessage().setBody(request.envelope().bytes());
    }

    private void read(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        ProviderRequest request = request(exchange);
        exchange.getMessage().getHeaders().clear();
        ProviderReply reply = providerCalls.read(request, status == null ? 0 : status,
                body == null ? new byte[0] : body);
        measure(exchange, reply, true);
        exchange.getMessage().setBody(reply);
    }

    private void noAnswer(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().getHeaders().clear();
        ProviderReply reply = providerCalls.noAnswer(request(exchange).reqMsgId(), cause);
        measure(exchange, reply, false);
        exchange.getMessage().setBody(reply);
    }

    /** Call latency by endpoint (a histogram), and calls without a usable answer by kind. */
    private void measure(Exchange exchange, ProviderReply reply, boolean answered) {
        String endpoint = request(exchange).path().substring(request(exchange).path().lastIndexOf('/') + 1);
        // looked up once per endpoint and answer: a registry look-up per call shows in the profile
        callTimers.computeIfAbsent(endpoint + "/" + answered, key -> Timer.builder("scanforpay.provider.calls")
                        .tag("endpoint", endpoint).tag("answered", String.valueOf(answered))
                        .publishPercentileHistogram().register(meters))
                .record(System.nanoTime() - exchange.getProperty(STARTED, Long.class), TimeUnit.NANOSECONDS);
        if (reply instanceof ProviderReply.Inconclusive inconclusive) {
            meters.counter("scanforpay.provider.errors", "endpoint", endpoint, "kind",
                    inconclusive.kind().name().toLowerCase(Locale.ROOT)).increment();
        }
    }


    private static ProviderRequest request(Exchange exchange) {
        return exchange.getProperty(REQUEST, ProviderRequest.class);
    }

    /** The default partner's URL; every request names its own partner's in {@link Exchange#HTTP_URI}. */
    private String providerUri() {
        return "vertx-http:" + config.baseUrl()
                + "?httpMethod=POST"
                + "&throwExceptionOnFailure=false"
                + "&timeout=" + config.responseTimeout().toMillis()
                + "&webClientOptions=#" + PaymentBeans.PROVIDER_HTTP_OPTIONS
                + "&vertxHttpBinding=#" + PaymentBeans.PROVIDER_HTTP_BINDING;
    }
}
