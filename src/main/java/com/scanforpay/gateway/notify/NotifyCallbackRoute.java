package com.scanforpay.gateway.notify;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotentStoreException;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.LedgerException;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.logging.PaymentLogContext;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.payment.PaymentProgress;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.publishing.PaymentResultRoute;
import com.scanforpay.gateway.payment.PaymentStateMachine;
import com.scanforpay.gateway.publishing.ResultBeingPublishedException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.common.KafkaException;

/**
 * The notify callback flow: {@code POST /scanforpay/notify} (REST DSL on platform-http) → signature and body
 * check → the shared publishing route, which publishes each (order, status) once → {@code success}.
 *
 * <p>Why the REST DSL rather than a Quarkus REST resource: the flow is Camel from the first byte, so the raw
 * body reaches the verifier untouched, and the answer is decided by the same route that publishes.
 */
@ApplicationScoped
public class NotifyCallbackRoute extends RouteBuilder {

    public static final String PATH = "/scanforpay/notify";
    static final String NOTIFY = "direct:notify-callback";
    static final String SUCCESS = "success";
    private static final Duration DUPLICATE_RETRY = Duration.ofMillis(100);
    /** Exchange property: the {@link Partner} whose key signed the notification. */
    private static final String SIGNED_BY = "scanforpay.notifySignedBy";

    @Inject
    ScanForPayConfig config;
    @Inject
    NotifyCallbacks callbacks;
    @Inject
    MeterRegistry meters;
    @Inject
    PaymentLedger ledger;
    @Inject
    PaymentStateMachine machine;
    @Inject
    PaymentProgress progress;
    @Inject
    Partners partners;

    @Override
    public void configure() {
        rest(PATH).post().to(NOTIFY);

        from(NOTIFY).routeId("notify-callback")
                // Final: the notification can never be taken as sent. Nothing was stored or published.
                .onException(RejectedNotificationException.class).handled(true)
                    .process(exchange -> {
                        RejectedNotificationException e = caught(exchange, RejectedNotificationException.class);
                        log.warn("Notify callback refused: {}", e.getMessage());
                        answer(exchange, e.verdict(), 400, e.getMessage());
                    })
                .end()
                // The same result is being published by another request or instance right now (ScanForPay sends
                // repeats at once): wait for it, without holding a thread, and answer success once it is published
                // there (then it is a recognised repeat here). Only if it is still not published, 503.
                .onException(ResultBeingPublishedException.class).handled(true)
                    .redeliveryDelay(DUPLICATE_RETRY.toMillis()).asyncDelayedRedelivery()
                    .maximumRedeliveries(duplicateRetries())
                    .process(this::retryLater)
                .end()
                // Not taken now (store or Kafka unavailable): the claim was released, and 503 makes ScanForPay call
                // again, so nothing is dropped.
                .onException(IdempotentStoreException.class, LedgerException.class, KafkaException.class,
                        RejectedExecutionException.class).handled(true)
                    .process(this::retryLater)
                .end()
                .process(this::read)
                .process(this::crossCheck)
                .filter(body().isNotNull())
                    .to(PaymentResultRoute.PUBLISH)
                .end()
                .process(exchange -> answer(exchange, NotifyVerdict.ACCEPTED, 200, SUCCESS));
    }

    private void read(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        long limit = config.callback().maxBodySize().asLongValue();
        if (raw != null && raw.length > limit) {
            answer(exchange, NotifyVerdict.TOO_LARGE, 413, "notification larger than " + limit + " bytes");
            exchange.setRouteStop(true);
            return;
        }
        NotifyCallbacks.Verified verified = callbacks.read(raw == null ? new byte[0] : raw);
        exchange.setProperty(SIGNED_BY, verified.partner());
        PaymentLogContext.about(exchange, verified.result().partnerOrderNo());
        PaymentLogContext.request(exchange, verified.result().reqMsgId());
        exchange.getMessage().setBody(verified.result());
    }

    /**
     * A notify about an order the ledger knows must come from the partner it was sent through and carry the
     * ledger's amount, and moves the order (never backwards). Orders the ledger does not know (paid through another
     * system) are published as they come.
     */
    private void crossCheck(Exchange exchange) {
        PaymentResult notified = exchange.getMessage().getBody(PaymentResult.class);
        Optional<LedgerEntry> entry = ledger.find(notified.partnerOrderNo());
        if (entry.isEmpty()) {
            return;
        }
        Partner signedBy = exchange.getProperty(SIGNED_BY, Partner.class);
        // the account the payment was sent through, even if no longer configured (older rows: as Partners says)
        Optional<String> owner = Optional.ofNullable(entry.get().partnerNo())
                .or(() -> partners.ofPayment(null, entry.get().storeNo()).map(Partner::partnerNo));
        if (owner.isPresent() && !owner.get().equals(signedBy.partnerNo())) {
            log.error("ALERT: notify for {} signed by partner {} (partnerNo {}), but it was paid through partnerNo {} "
                    + "(store {}); not applied", notified.partnerOrderNo(), signedBy.name(), signedBy.partnerNo(),
                    owner.get(), entry.get().storeNo());
            answer(exchange, NotifyVerdict.PARTNER_MISMATCH, 200, SUCCESS);
            exchange.setRouteStop(true);
            return;
        }
        if (!Objects.equals(entry.get().orderAmount(), notified.orderAmount())) {
            log.error("ALERT: signed notify for {} says amount {} but the ledger has {}; not marked paid",
                    notified.partnerOrderNo(), notified.orderAmount(), entry.get().orderAmount());
            answer(exchange, NotifyVerdict.AMOUNT_MISMATCH, 200, SUCCESS);
            exchange.setRouteStop(true);
            return;
        }
        exchange.getMessage().setBody(progress.apply(notified.partnerOrderNo(), machine.afterNotify(entry.get(), notified)));
    }

    private void retryLater(Exchange exchange) {
        log.warn("Notify callback not taken now, ScanForPay will retry: {}", caught(exchange, Exception.class).toString());
        answer(exchange, NotifyVerdict.RETRY_LATER, 503, "try again later");
    }

    /** As long as another request's publishing can take (blocked for metadata, then delivered), and a little more. */
    private int duplicateRetries() {
        return (int) (config.publishTimeout().multipliedBy(2).plusSeconds(1).toMillis() / DUPLICATE_RETRY.toMillis());
    }

    private void answer(Exchange exchange, NotifyVerdict verdict, int status, String text) {
        meters.counter("scanforpay.notify", "verdict", verdict.name().toLowerCase()).increment();
        Message message = exchange.getMessage();
        // nothing of the publishing (Kafka key, result) leaks into the HTTP answer
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
        message.setBody(text);
    }

    private static <T extends Throwable> T caught(Exchange exchange, Class<T> type) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, type);
    }
}
