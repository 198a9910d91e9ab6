package com.scanforpay.gateway.notify;

import com.scanforpay.gateway.FlowPolicies;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.logging.PaymentLogContext;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.payment.PaymentProgress;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.PaymentStateMachine;
import com.scanforpay.gateway.publishing.PaymentResultRoute;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Objects;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The notify callback flow:
 * <pre>
 * POST /scanforpay/notify → size and signature check (read) → cross-check with the ledger, move the payment
 *                         → publish (once per order, type and outcome) → 200 success
 * </pre>
 * Its error policy (400 refused, 503 try again later) is {@link FlowPolicies#NOTIFY}.
 *
 * <p>Why the REST DSL rather than a Quarkus REST resource: the flow is Camel from the first byte, so the raw
 * body reaches the verifier untouched, and the answer is decided by the same route that publishes.
 */
@ApplicationScoped
public class NotifyCallbackRoute extends RouteBuilder {

    public static final String PATH = "/scanforpay/notify";
    static final String NOTIFY = "direct:notify-callback";
    /** Exchange property: the {@link Partner} whose key signed the notification. */
    private static final String SIGNED_BY = "scanforpay.notifySignedBy";

    @Inject
    ScanForPayConfig config;
    @Inject
    NotifyCallbacks callbacks;
    @Inject
    NotifyAnswers answers;
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

        from(NOTIFY).routeId("notify-callback").routeConfigurationId(FlowPolicies.NOTIFY)
                .process(this::read)
                .process(this::crossCheck)
                .filter(body().isNotNull())
                    .to(PaymentResultRoute.PUBLISH)
                .end()
                .process(exchange -> answers.success(exchange, NotifyVerdict.ACCEPTED));
    }

    private void read(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        long limit = config.callback().maxBodySize().asLongValue();
        if (raw != null && raw.length > limit) {
            answers.answer(exchange, NotifyVerdict.TOO_LARGE, 413, "notification larger than " + limit + " bytes");
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
            answers.success(exchange, NotifyVerdict.PARTNER_MISMATCH);
            exchange.setRouteStop(true);
            return;
        }
        if (!Objects.equals(entry.get().orderAmount(), notified.orderAmount())) {
            log.error("ALERT: signed notify for {} says amount {} but the ledger has {}; not marked paid",
                    notified.partnerOrderNo(), notified.orderAmount(), entry.get().orderAmount());
            answers.success(exchange, NotifyVerdict.AMOUNT_MISMATCH);
            exchange.setRouteStop(true);
            return;
        }
        exchange.getMessage().setBody(progress.apply(notified.partnerOrderNo(), machine.afterNotify(entry.get(), notified)));
    }
}
