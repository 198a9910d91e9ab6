package com.scanforpay.gateway.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.LedgerRows;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What operators see: readiness that names what is down, liveness that does not flap, and the metrics, all on the
 * management interface; the main port serves only the payments API and the notify callback.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class HealthAndMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** PAY/SUCCESS from any source: the pay answer or the notification, whichever came first. */
    private static final String[] PAID = {"type=\"PAY\"", "outcome=\"SUCCESS\""};
    private static final String[] INVALID_JSON = {"code=\"INVALID_JSON\""};
    private static final String[] PAY_ANSWERED = {"endpoint=\"pay\"", "answered=\"true\""};

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    /** The main port: the payments API and the notify callback. */
    @TestHTTPResource("/")
    URL main;
    @Inject
    DataSource dataSource;

    @Test
    void readyNamesKafkaWhileItIsDownAndLiveStaysUp() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/q/health/ready").statusCode() == 200);
        GatewayTestStack.withBrokerDown(() -> {
            // the Kafka check waits for its admin client's timeout before it says DOWN
            await().atMost(Duration.ofSeconds(90)).until(() -> status("/q/health/ready") == 503);
            HttpResponse<String> ready = get("/q/health/ready");
            assertTrue(ready.body().contains("Kafka") && ready.body().contains("\"DOWN\""), ready.body());
            assertEquals(200, get("/q/health/live").statusCode(), "not broken, only waiting for Kafka");
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void readyNamesTheDatabaseWhileItIsDownAndLiveStaysUp() {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/q/health/ready").statusCode() == 200);
        GatewayTestStack.withPostgresDown(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/q/health/ready").statusCode() == 503);
            HttpResponse<String> ready = get("/q/health/ready");
            assertTrue(ready.body().contains("Database") && ready.body().contains("\"DOWN\""), ready.body());
            assertEquals(200, get("/q/health/live").statusCode());
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/q/health/ready").statusCode() == 200);
    }

    /**
     * Health, metrics, OpenAPI and Swagger UI answer on the management port and are unknown (404) on the main port,
     * which the provider's notifications and the tills reach; the payments API and the notify callback the other
     * way round.
     */
    @Test
    void managementEndpointsAnswerOnTheManagementPortOnlyAndTheApiOnTheMainPortOnly() {
        String mainPort = main.toString().replaceAll("/$", "");
        String managementPort = GatewayTestStack.managementUrl();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/q/health/ready").statusCode() == 200);
        for (String path : List.of("/q/health/ready", "/q/health/live", "/q/health/well", "/q/metrics",
                "/q/openapi", "/q/swagger-ui/")) {
            HttpResponse<String> management = send(HttpRequest.newBuilder(URI.create(managementPort + path)));
            assertEquals(200, management.statusCode(), path + " on the management port: " + management.body());
            assertEquals(404, send(HttpRequest.newBuilder(URI.create(mainPort + path))).statusCode(),
                    path + " on the main port");
        }
        // the contents, not some page of the same status
        assertTrue(get("/q/metrics").body().contains("scanforpay_"), "the gateway's metrics");
        assertTrue(get("/q/openapi").body().contains("/scanforpay/notify"), "the gateway's OpenAPI document");

        // refused by the API and the notify route themselves (nothing valid is sent), not unknown
        for (String path : List.of("/payments", "/scanforpay/notify")) {
            HttpRequest.Builder post = HttpRequest.newBuilder().header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"));
            HttpResponse<String> onMain = send(post.copy().uri(URI.create(mainPort + path)));
            assertEquals(400, onMain.statusCode(), path + " on the main port: " + onMain.body());
            assertEquals(404, send(post.copy().uri(URI.create(managementPort + path))).statusCode(),
                    path + " on the management port");
        }
    }

    @Test
    void providerReachabilityIsReportedWithoutDecidingReadiness() {
        HttpResponse<String> well = get("/q/health/well");
        assertTrue(well.body().contains("ScanForPay provider"), well.body());
        assertTrue(well.body().contains("\"UP\""), well.body());
    }

    /** Read before, act, read after: each counter went up by what the test caused, not merely exists. */
    @Test
    void metricsCountPaymentsProviderCallsAndDeadLetters() {
        String order = OrderNumbers.next("hm");
        // the application is shared with earlier classes: nothing of theirs may still settle while this one counts
        TOPICS.awaitQuiet();
        await("no payment of earlier tests about to be resolved").atMost(Duration.ofSeconds(60))
                .until(() -> LedgerRows.openPaymentsDueSoon(dataSource) == 0);
        double paid = sample("scanforpay_results_total", PAID);
        double deadLettered = sample("scanforpay_commands_dead_lettered_total", INVALID_JSON);
        double payCalls = sample("scanforpay_provider_calls_seconds_count", PAY_ANSWERED);

        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, """
                {"partnerOrderNo":"%s","barcode":"%s","orderAmount":100}""".formatted(order, SandboxBarcodes.PAID));
        TOPICS.kafka().send(GatewayTestStack.COMMANDS, order, "not json");
        TOPICS.awaitSettled();
        // the pay answer or the notification, whichever came first: one SUCCESS; "not json" names no order
        assertEquals(List.of("PAY/SUCCESS"), TOPICS.results().fieldsWithKey(order, "type", "outcome"));
        assertEquals(1, TOPICS.deadLetters().withKey(order).size());

        // only commands dead-letter, and every command sent so far is done: exactly this one
        assertEquals(deadLettered + 1, sample("scanforpay_commands_dead_lettered_total", INVALID_JSON));
        // other paths (a notification, the resolver's one re-send of an earlier test's payment) may add to these
        await("pay calls counted").atMost(Duration.ofSeconds(30))
                .until(() -> sample("scanforpay_provider_calls_seconds_count", PAY_ANSWERED) >= payCalls + 1);
        await("both notifications taken").atMost(Duration.ofSeconds(30)).until(() -> GatewayTestStack.sandbox()
                .notificationsDelivered().stream().filter(n -> order.equals(n.partnerOrderNo())).count() == 2);
        TOPICS.awaitQuiet();
        assertEquals(paid + 1, sample("scanforpay_results_total", PAID),
                "one PAY/SUCCESS counted, from whichever source won the race; the repeats not counted");
        // a gauge of the ledger, refreshed every 15 s: registered from the start
        assertTrue(get("/q/metrics").body().contains("scanforpay_ledger_payments{state=\"UNKNOWN\"}"));
    }

    /** The sum of the samples of {@code name} in /q/metrics whose labels include every one of {@code labels}. */
    private double sample(String name, String... labels) {
        double sum = 0;
        for (String line : get("/q/metrics").body().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int value = line.lastIndexOf(' ');
            String series = line.substring(0, value);
            if (Arrays.stream(labels).allMatch(series::contains)) {
                sum += Double.parseDouble(line.substring(value + 1));
            }
        }
        return sum;
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IllegalStateException slow) {
            return -1;
        }
    }

    /** GET {@code path} on the management interface. */
    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(GatewayTestStack.managementUrl() + path)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
