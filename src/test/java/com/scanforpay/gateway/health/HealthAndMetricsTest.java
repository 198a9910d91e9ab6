package com.scanforpay.gateway.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What operators see: readiness that names what is down, liveness that does not flap, and the metrics. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class HealthAndMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL root;

    @Test
    void readyNamesKafkaWhileItIsDownAndLiveStaysUp() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("q/health/ready").statusCode() == 200);
        GatewayTestStack.withBrokerDown(() -> {
            // the Kafka check waits for its admin client's timeout before it says DOWN
            await().atMost(Duration.ofSeconds(90)).until(() -> status("q/health/ready") == 503);
            HttpResponse<String> ready = get("q/health/ready");
            assertTrue(ready.body().contains("Kafka") && ready.body().contains("\"DOWN\""), ready.body());
            assertEquals(200, get("q/health/live").statusCode(), "not broken, only waiting for Kafka");
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> get("q/health/ready").statusCode() == 200);
    }

    @Test
    void readyNamesTheDatabaseWhileItIsDownAndLiveStaysUp() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("q/health/ready").statusCode() == 200);
        GatewayTestStack.withPostgresDown(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("q/health/ready").statusCode() == 503);
            HttpResponse<String> ready = get("q/health/ready");
            assertTrue(ready.body().contains("Database") && ready.body().contains("\"DOWN\""), ready.body());
            assertEquals(200, get("q/health/live").statusCode());
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> get("q/health/ready").statusCode() == 200);
    }

    @Test
    void providerReachabilityIsReportedWithoutDecidingReadiness() {
        HttpResponse<String> well = get("q/health/well");
        assertTrue(well.body().contains("ScanForPay provider"), well.body());
        assertTrue(well.body().contains("\"UP\""), well.body());
    }

    @Test
    void metricsCountPaymentsProviderCallsAndDeadLetters() {
        String order = "hm" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        try (KafkaTopics kafka = new KafkaTopics(GatewayTestStack.broker().bootstrapServers())) {
            kafka.send(GatewayTestStack.COMMANDS, order, """
                    {"partnerOrderNo":"%s","barcode":"%s","orderAmount":100}""".formatted(order, SandboxBarcodes.PAID));
            kafka.send(GatewayTestStack.COMMANDS, order, "not json");
        }
        for (String series : List.of("scanforpay_results_total{outcome=\"SUCCESS\"",
                "scanforpay_commands_dead_lettered_total{code=\"INVALID_JSON\"}",
                "scanforpay_provider_calls_seconds_bucket{answered=\"true\",endpoint=\"pay\"",
                "scanforpay_ledger_payments{state=\"UNKNOWN\"}")) {
            await(series).atMost(Duration.ofSeconds(30)).until(() -> get("q/metrics").body().contains(series));
        }
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IllegalStateException slow) {
            return -1;
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
