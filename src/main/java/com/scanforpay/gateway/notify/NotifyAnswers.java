package com.scanforpay.gateway.notify;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

/** The notify callback's HTTP answers, each counted by verdict. */
@ApplicationScoped
public class NotifyAnswers {

    static final String SUCCESS = "success";
    private static final Logger LOG = Logger.getLogger(NotifyAnswers.class);

    private final MeterRegistry meters;

    public NotifyAnswers(MeterRegistry meters) {
        this.meters = meters;
    }

    /** 400: a notification that can never be taken (unknown partner, bad signature, malformed). */
    public void refused(Exchange exchange) {
        RejectedNotificationException e = caught(exchange, RejectedNotificationException.class);
        LOG.warnf("Notify callback refused: %s", e.getMessage());
        answer(exchange, e.verdict(), 400, e.getMessage());
    }

    /** 503: not taken now; ScanForPay calls again. */
    public void retryLater(Exchange exchange) {
        LOG.warnf("Notify callback not taken now, ScanForPay will retry: %s", caught(exchange, Exception.class));
        answer(exchange, NotifyVerdict.RETRY_LATER, 503, "try again later");
    }

    /** 200 {@code success}: taken (or a repeat, or an alert that must not make ScanForPay call again). */
    void success(Exchange exchange, NotifyVerdict verdict) {
        answer(exchange, verdict, 200, SUCCESS);
    }

    void answer(Exchange exchange, NotifyVerdict verdict, int status, String text) {
        meters.counter("scanforpay.notify", "verdict", verdict.name().toLowerCase(Locale.ROOT)).increment();
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
