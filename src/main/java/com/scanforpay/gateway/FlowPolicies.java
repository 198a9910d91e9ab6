package com.scanforpay.gateway;

import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import com.scanforpay.gateway.idempotency.IdempotentStoreException;
import com.scanforpay.gateway.ledger.LedgerException;
import com.scanforpay.gateway.notify.NotifyAnswers;
import com.scanforpay.gateway.notify.RejectedNotificationException;
import com.scanforpay.gateway.publishing.ResultBeingPublishedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.kafka.common.KafkaException;

/**
 * Every flow's error policy, in one place: each route of a flow names its policy with {@code routeConfigurationId}
 * (routes that name none, such as the API's results listener and the refund deadline's timer, run under Camel's
 * default error handler). No policy drops a payment: a failure either goes back to whoever can hold the command back
 * or dead-letter it (commands), waits for the next tick (resolution), or is answered 503 so that ScanForPay calls
 * again (notify).
 *
 * <p>No RouteBuilder may call {@code errorHandler(...)}: Camel then silently ignores the configuration's error
 * handler for its routes ({@code FlowPoliciesTest} checks what every route runs under).
 */
@ApplicationScoped
public class FlowPolicies extends RouteConfigurationBuilder {

    /** Commands and their dead letters: failures go back to the command dispatcher, which owns their fate. */
    public static final String COMMANDS = "commands-policy";
    /** The resolver: failures are logged and retried by the ledger's schedule. */
    public static final String RESOLUTION = "resolution-policy";
    /** The notify callback: refused (400), or not taken now (503: ScanForPay calls again). */
    public static final String NOTIFY = "notify-policy";
    /**
     * Steps shared by the flows (calling the provider, publishing, handing a command to Kafka) and the commands
     * consumer's route: no error handler, failures go back to the calling flow (or to the consumer).
     */
    public static final String STEPS = "steps-policy";

    private static final Duration CLAIM_RETRY = Duration.ofMillis(250);
    private static final Duration NOTIFY_DUPLICATE_RETRY = Duration.ofMillis(100);

    @Inject
    ScanForPayConfig config;
    @Inject
    IdempotencyConfig idempotency;
    @Inject
    NotifyAnswers notifyAnswers;

    @Override
    public void configuration() {
        // Every step is safe to repeat (the ledger turns a repeated PAY into a query or a republished result). The
        // dispatcher dead-letters a command, or holds it back in an outage, and logs each failure once (an outage
        // once per batch): no stack trace per command from Camel.
        waitWhileBeingPublishedElsewhere(routeConfiguration(COMMANDS)
                .errorHandler(defaultErrorHandler().logExhausted(false)));
        // Anything else is logged (by Camel, and as a warning naming the payment) and retried by the schedule: the
        // claim moved the payment's next query one lease ahead.
        waitWhileBeingPublishedElsewhere(routeConfiguration(RESOLUTION));

        routeConfiguration(STEPS).errorHandler(noErrorHandler());

        RouteConfigurationDefinition notify = routeConfiguration(NOTIFY);
        // Final: the notification can never be taken as sent. Nothing was stored or published.
        notify.onException(RejectedNotificationException.class).handled(true)
                .process(notifyAnswers::refused);
        // The same result is being published by another request or instance right now (ScanForPay sends repeats
        // at once): wait for it, without holding a thread, and answer success once it is published there (then it
        // is a recognised repeat here). Only if it is still not published, 503.
        notify.onException(ResultBeingPublishedException.class).handled(true)
                .redeliveryDelay(NOTIFY_DUPLICATE_RETRY.toMillis()).asyncDelayedRedelivery()
                .maximumRedeliveries(notifyDuplicateRetries())
                .process(notifyAnswers::retryLater);
        // Not taken now (store or Kafka unavailable): the claim was released, and 503 makes ScanForPay call again,
        // so nothing is dropped.
        notify.onException(IdempotentStoreException.class, LedgerException.class, KafkaException.class,
                RejectedExecutionException.class).handled(true)
                .process(notifyAnswers::retryLater);
    }

    /**
     * A result that another path is publishing right now is tried again every 250 ms, without holding a thread,
     * until it is published there (then dropped here as a repeat) or released; only a claim left by a crash lasts
     * the whole lease.
     */
    private void waitWhileBeingPublishedElsewhere(RouteConfigurationDefinition policy) {
        policy.onException(ResultBeingPublishedException.class)
                .redeliveryDelay(CLAIM_RETRY.toMillis()).asyncDelayedRedelivery()
                .maximumRedeliveries((int) (idempotency.claimLease().toMillis() / CLAIM_RETRY.toMillis()) + 1);
    }

    /** As long as another request's publishing can take (blocked for metadata, then delivered), and a little more. */
    private int notifyDuplicateRetries() {
        return (int) (config.publishTimeout().multipliedBy(2).plusSeconds(1).toMillis()
                / NOTIFY_DUPLICATE_RETRY.toMillis());
    }
}
