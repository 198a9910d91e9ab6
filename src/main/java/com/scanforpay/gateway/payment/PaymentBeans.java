package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.resolution.ResolutionDecisions;
import io.micrometer.core.instrument.MeterRegistry;

import com.scanforpay.gateway.command.PaymentCommandParser;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderHttpBinding;
import com.scanforpay.gateway.publishing.PaymentResults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.config.DatabaseConnection;
import com.scanforpay.gateway.config.KafkaConnection;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.idempotency.IdempotencyConfig;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.apache.camel.component.vertx.http.VertxHttpBinding;
import org.jboss.logging.Logger;

/** Wires the plain-Java payment and protocol classes from configuration. */
@Singleton
public class PaymentBeans {

    private static final Logger LOG = Logger.getLogger(PaymentBeans.class);

    public static final String PROVIDER_HTTP_OPTIONS = "providerHttpOptions";
    public static final String PROVIDER_HTTP_BINDING = "providerHttpBinding";

    /** Fails start-up, naming {@code kafka.bootstrap.servers}, when KAFKA_BOOTSTRAP_SERVERS is not set. */
    @Inject
    KafkaConnection kafka;
    /** Likewise for QUARKUS_DATASOURCE_JDBC_URL. */
    @Inject
    DatabaseConnection database;

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemDefaultZone();
    }

    @Produces
    @Singleton
    ScanForPayEnvelope envelope(ObjectMapper mapper) {
        // no key of its own: every request and answer names its partner's (see Partners)
        return new ScanForPayEnvelope(mapper);
    }

    @Produces
    @Singleton
    PaymentResults results(Clock clock) {
        return new PaymentResults(clock);
    }

    @Produces
    @Singleton
    ProviderCalls providerCalls(ScanForPayEnvelope envelope, Partners partners, ScanForPayConfig config,
            Clock clock) {
        return new ProviderCalls(envelope, partners, config.notifyUrl(), clock);
    }

    @Produces
    @Singleton
    PaymentStateMachine stateMachine(PaymentResults results, ObjectMapper mapper, ScanForPayConfig config,
            IdempotencyConfig idempotency) {
        // long enough for a live publisher to finish (or to have its claim taken over) before a republish
        return new PaymentStateMachine(results, mapper, config.pending(),
                config.connectTimeout().plus(config.responseTimeout()),
                idempotency.claimLease().plus(config.publishTimeout()));
    }

    @Produces
    @Singleton
    StoredJson storedJson(ObjectMapper mapper) {
        return new StoredJson(mapper);
    }

    @Produces
    @Singleton
    PaymentProgress progress(PaymentLedger ledger) {
        return new PaymentProgress(ledger);
    }

    @Produces
    @Singleton
    LedgerProof ledgerProof(PaymentLedger ledger, RefundLedger refunds, PaymentResults results, StoredJson stored) {
        return new LedgerProof(ledger, refunds, results, stored);
    }

    @Produces
    @Singleton
    PaymentDecisions paymentDecisions(PaymentLedger ledger, PaymentStateMachine machine, PaymentProgress progress,
            PaymentResults results, ProviderCalls providerCalls, StoredJson stored, ScanForPayConfig config) {
        return new PaymentDecisions(ledger, machine, progress, results, providerCalls, stored, config.pending(),
                config.responseTimeout());
    }

    @Produces
    @Singleton
    RefundDecisions refundDecisions(PaymentLedger ledger, RefundLedger refunds, PaymentStateMachine machine,
            PaymentResults results,
            ProviderCalls providerCalls, StoredJson stored, LedgerProof proof, MeterRegistry meters,
            ScanForPayConfig config) {
        return new RefundDecisions(ledger, refunds, machine, results, providerCalls, stored, proof, meters,
                config.refund().unknownOrders());
    }

    @Produces
    @Singleton
    ResolutionDecisions resolutionDecisions(PaymentLedger ledger, PaymentStateMachine machine,
            PaymentProgress progress, ProviderCalls providerCalls, StoredJson stored) {
        return new ResolutionDecisions(ledger, machine, progress, providerCalls, stored);
    }

    @Produces
    @Singleton
    PaymentCommandParser parser(Partners partners, ScanForPayConfig config) {
        return new PaymentCommandParser(partners, config.consumer().maxCommandSize().asLongValue());
    }

    /** TLS as the URL's scheme says, also for a URL with a port (see {@link ProviderHttpBinding}). */
    @Produces
    @Singleton
    @Named(PROVIDER_HTTP_BINDING)
    VertxHttpBinding providerHttpBinding(ScanForPayConfig config) {
        return new ProviderHttpBinding(config.connectTimeout(), config.responseTimeout());
    }

    /** One pooled connection per call in flight: HTTP/1.1 carries one request at a time per connection. */
    @Produces
    @Singleton
    @Named(PROVIDER_HTTP_OPTIONS)
    WebClientOptions providerHttpOptions(ScanForPayConfig config) {
        return new WebClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(config.connectionsPerHost())
                .setKeepAlive(true)
                .setTryUseCompression(false)
                .setUserAgent("scanforpay-gateway");
    }
}
