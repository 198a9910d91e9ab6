package com.scanforpay.gateway.resolution;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.ResultSource;
import com.scanforpay.gateway.payment.StoredJson;
import com.scanforpay.gateway.publishing.PaymentResultRoute;
import com.scanforpay.gateway.publishing.PaymentResults;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.RefundEntry;
import com.scanforpay.gateway.ledger.RefundLedger;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.builder.RouteBuilder;

/**
 * The refund deadline: ScanForPay has no refund query, so a refund it answered "processing" (status 0), or whose
 * call never reported back, would stay open for ever, its amount counted as refunded. Every sweep interval, refunds
 * still open after {@code SCANFORPAY_REFUND_DEADLINE} are published as UNKNOWN, counted, and logged as an operator
 * alert; their amount stays counted (the money may have gone back), until someone checks them with ScanForPay.
 */
@ApplicationScoped
public class RefundDeadlineRoute extends RouteBuilder {

    /** Refunds ended per sweep and instance; the rest wait for the next sweep. */
    private static final int PER_SWEEP = 100;

    @Inject
    ScanForPayConfig config;
    @Inject
    RefundLedger refunds;
    @Inject
    PaymentResults results;
    @Inject
    StoredJson stored;
    @Inject
    ProducerTemplate sender;
    @Inject
    MeterRegistry meters;

    @Override
    public void configure() {
        // registered at start (at 0): the dashboard's increase() and an alert on it see the first refund ended
        meters.counter("scanforpay.refunds.unknown");
        long interval = config.pending().sweepInterval().toMillis();
        // a failed sweep (database or Kafka out of reach) is logged and changes nothing: the next one tries again
        from("timer:refund-deadline?period=" + interval + "&delay=" + interval).routeId("refund-deadline")
                .process(exchange -> endOverdueRefunds());
    }

    private void endOverdueRefunds() {
        List<RefundEntry> ended = refunds.endOpenRefunds(config.refund().deadline(), PER_SWEEP, this::publishUnknown);
        for (RefundEntry refund : ended) {
            meters.counter("scanforpay.refunds.unknown").increment();
            log.error("ALERT: refund {} of order {} ({}) had no final answer from ScanForPay within {} (it was {}); "
                    + "published UNKNOWN, its amount stays counted as refunded: check it with ScanForPay",
                    refund.refundNo(), refund.partnerOrderNo(), refund.amount(), config.refund().deadline(),
                    refund.state());
        }
    }

    /** Publishes the refund's UNKNOWN result, waiting for Kafka's acknowledgement; returns it as stored. */
    private String publishUnknown(RefundEntry refund) {
        PaymentCommand command = new PaymentCommand(CommandType.REFUND, null, refund.partnerOrderNo(), null, null,
                refund.amount(), null, null, null, refund.refundNo());
        PaymentResult unknown = results.unknown(command, ResultSource.REFUND_RESPONSE, "refund outcome unknown: no "
                + "final answer from ScanForPay within " + config.refund().deadline() + "; check it with ScanForPay",
                null);
        Exchange published = sender.send(PaymentResultRoute.PUBLISH, exchange -> exchange.getMessage().setBody(unknown));
        if (published.getException() != null) {
            throw new RuntimeCamelException(published.getException());
        }
        return stored.write(unknown);
    }
}
