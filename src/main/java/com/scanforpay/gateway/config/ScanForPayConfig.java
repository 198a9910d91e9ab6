package com.scanforpay.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.AssertTrue;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Null;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The gateway's settings (docs/contract.md §1); each is also an environment variable, e.g. {@code SCANFORPAY_BASE_URL}. */
@ConfigMapping(prefix = "scanforpay")
public interface ScanForPayConfig {

    /** Provider base URL, without a trailing slash. */
    @WithDefault("https://pay.scanforpay.com")
    String baseUrl();

    /**
     * Lets the gateway start with what only a sandbox has: an {@code http://} provider URL or a sandbox sign key.
     * Off in production; the local stack, the tests and the compose file (which runs the sandbox) turn it on.
     */
    @WithDefault("false")
    boolean allowSandbox();

    /** Start-up refuses a plain-HTTP provider unless {@link #allowSandbox()}: payment data would travel unencrypted. */
    @AssertTrue(message = "refused: SCANFORPAY_BASE_URL must be an https:// URL (set SCANFORPAY_ALLOW_SANDBOX=true "
            + "only against a sandbox)")
    default boolean isBaseUrlSafe() {
        return allowSandbox() || baseUrl().startsWith("https://");
    }

    /** Start-up refuses the sandbox's well-known sign key unless {@link #allowSandbox()}. */
    @AssertTrue(message = "refused: SCANFORPAY_SIGN_KEY is a sandbox key (set SCANFORPAY_ALLOW_SANDBOX=true only "
            + "against a sandbox)")
    default boolean isSignKeySafe() {
        return allowSandbox() || !PartnerSettings.isSandboxKey(signKey());
    }

    /** {@code partnerNo} sent in every request header, assigned by ScanForPay. */
    String partnerNo();

    /** The partner's secret sign key; never logged. */
    String signKey();

    /** {@code storeNo} used when a command has none. */
    Optional<String> storeNo();

    /**
     * Further ScanForPay partner accounts, by a name of your choosing: {@code scanforpay.partners.tokyo.partner-no}
     * and so on. The single-partner settings above ({@code SCANFORPAY_PARTNER_NO}, {@code SCANFORPAY_SIGN_KEY},
     * {@code SCANFORPAY_BASE_URL}) are the partner named {@value PartnerSettings#DEFAULT_PARTNER}.
     */
    Map<String, PartnerAccount> partners();

    /**
     * Which partner serves each store: {@code scanforpay.stores."100010000000009".partner=tokyo}. With none, every
     * store belongs to the default partner; with some, a command for a store not listed (other than
     * {@code SCANFORPAY_STORE_NO}, the default partner's) is rejected.
     */
    Map<String, StoreMapping> stores();

    /**
     * Every problem of the partner and store settings, one line each naming the setting (a store naming a partner
     * that does not exist, a partner without a key or with two, an unreadable key file, a sandbox key or plain-HTTP
     * URL outside {@link #allowSandbox()}); any stops start-up. Each line is reported as it is: the constraint's
     * message is the validated value.
     */
    default List<@Null(message = "${validatedValue}") String> getPartnerSettingProblems() {
        return PartnerSettings.problems(this);
    }

    /**
     * Every problem of the secrets read from files ({@code SCANFORPAY_SIGN_KEY_FILE} and the other {@code …_FILE}
     * variables of {@link SecretFiles}): an unreadable or empty file, or a secret given both ways; any stops start-up.
     */
    default List<@Null(message = "${validatedValue}") String> getSecretFileProblems() {
        return SecretFiles.problems();
    }

    /** One more ScanForPay partner account. */
    interface PartnerAccount {

        /** {@code partnerNo} assigned by ScanForPay, sent in the header of this partner's requests. */
        String partnerNo();

        /** The partner's secret sign key (e.g. {@code ${SCANFORPAY_PARTNER_TOKYO_SIGN_KEY}}); never logged. */
        Optional<String> signKey();

        /** A file holding the sign key (a mounted secret); its content, without surrounding whitespace, is the key. */
        Optional<Path> signKeyFile();

        /** This partner's provider base URL; {@code SCANFORPAY_BASE_URL} when absent. */
        Optional<String> baseUrl();
    }

    /** The partner account one store belongs to. */
    interface StoreMapping {

        /** A name under {@code scanforpay.partners}, or {@value PartnerSettings#DEFAULT_PARTNER}. */
        String partner();
    }

    /** {@code notifyUrl} sent with every pay request; without it ScanForPay sends no callbacks. */
    Optional<String> notifyUrl();

    /**
     * How long a provider call may wait for a connection (a free one of the pool, or a new one): a call that gets
     * none in time was never sent, and counts as inconclusive. Shorter than the response timeout, so that a queued
     * pay cannot reach the provider after the resolver has asked for it.
     */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Start-up refuses a connect timeout that is not shorter than the response timeout. */
    @AssertTrue(message = "refused: SCANFORPAY_CONNECT_TIMEOUT must be shorter than SCANFORPAY_RESPONSE_TIMEOUT")
    default boolean isConnectTimeoutShorter() {
        return connectTimeout().compareTo(responseTimeout()) < 0;
    }

    /**
     * Connections to each provider host at most. Default: {@code SCANFORPAY_CONSUMER_MAX_IN_FLIGHT} +
     * {@code SCANFORPAY_PENDING_RESOLVER_BATCH}, every command of a batch and every query of the resolver at once.
     */
    Optional<Integer> maxConnections();

    /** {@link #maxConnections()}, or its default. */
    default int connectionsPerHost() {
        return maxConnections().orElse(consumer().maxInFlight() + pending().resolverBatch());
    }

    /** How long to wait for a provider answer before the outcome counts as unknown. */
    @WithDefault("30s")
    Duration responseTimeout();

    /**
     * How long publishing a result may take before it counts as failed (Kafka's delivery timeout): the notify
     * callback then answers 503, a command batch is delivered again.
     */
    @WithDefault("10s")
    Duration publishTimeout();

    /** Notify callbacks. */
    Callback callback();

    interface Callback {

        /** Larger notify bodies are refused with 413; ScanForPay's notifications are well under 1 KB. */
        @WithDefault("8K")
        MemorySize maxBodySize();
    }

    /** Resolving payments whose outcome the pay call did not settle (docs/contract.md §1, docs/provider-protocol.md §9). */
    Pending pending();

    interface Pending {

        /** First query after a payment answered "waiting" (status 0) or inconclusively. */
        @WithDefault("5s")
        Duration firstQueryDelay();

        /** Interval between further queries of a waiting payment; inconclusive ones back off from it. */
        @WithDefault("3s")
        Duration queryInterval();

        /** After this (from the pay attempt) an unresolved payment is published as UNKNOWN. */
        @WithDefault("60s")
        Duration deadline();

        /** How often the background sweep queries a payment left UNKNOWN. */
        @WithDefault("1m")
        Duration sweepInterval();

        /** How long (from the pay attempt) the sweep goes on; then the payment waits for an operator. */
        @WithDefault("24h")
        Duration sweepDuration();

        /** How often the resolver looks for payments due for a query. */
        @WithDefault("500ms")
        Duration resolverTick();

        /**
         * Most payments being resolved at once by one instance (queried concurrently, without a thread each). Each
         * tick claims only as many due payments as there is room for, and does not wait for them: a slow query
         * takes one place until it is answered (or times out), and holds back no other payment.
         */
        @WithDefault("100")
        int resolverBatch();
    }

    /** How commands are consumed. */
    Consumer consumer();

    interface Consumer {

        /** Kafka consumer group shared by every gateway instance. */
        @WithDefault("scanforpay-gateway")
        String groupId();

        /**
         * Commands taken per poll and run concurrently (one batch); the offset is committed when the whole batch
         * has its results.
         */
        @WithDefault("500")
        int maxInFlight();

        /** How long one poll waits for commands; also the longest a lone command waits to start. */
        @WithDefault("50ms")
        Duration pollTimeout();

        /**
         * How soon Kafka gives a crashed instance's partitions to the others (heartbeats go at a third of it).
         * Kafka's 45 s default would leave a dead instance's commands waiting that long.
         */
        @WithDefault("10s")
        Duration sessionTimeout();

        /**
         * Kafka's {@code max.poll.interval.ms}: the longest one batch may take before the instance is taken out of
         * the group. The gateway never lets one batch exceed it (commands of one order beyond what fits wait for the
         * next batch).
         */
        @WithDefault("10m")
        Duration maxPollInterval();

        /**
         * Larger command records are dead-lettered as {@code TOO_LARGE} without being parsed (commands are well
         * under 1 KB); the payments API answers such bodies with 413.
         */
        @WithDefault("8K")
        MemorySize maxCommandSize();
    }

    /** Refunds. */
    Refund refund();

    interface Refund {

        /**
         * Whether an order the ledger does not know (paid through another system) may be refunded. Off: such a
         * refund is REJECTED (field {@code partnerOrderNo}); the gateway refunds what it can account for.
         */
        @WithDefault("false")
        boolean unknownOrders();

        /**
         * How long a refund may stay unanswered or "processing" (status 0) at the provider; then it is published as
         * UNKNOWN and an operator alert is logged. Its amount stays counted as refunded until someone checks it.
         */
        @WithDefault("1h")
        Duration deadline();
    }

    /** Kafka topics. */
    Topics topic();

    interface Topics {

        /** Payment commands from ERP and POS systems. */
        @WithDefault("scanforpay.payment.commands")
        String commands();

        /** Payment results, keyed by {@code partnerOrderNo}. */
        @WithDefault("scanforpay.payment.results")
        String results();

        /** Commands that can never succeed as sent, with the reason in headers. */
        @WithDefault("scanforpay.payment.commands.dlq")
        String dlq();
    }
}
