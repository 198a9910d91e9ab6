package com.scanforpay.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.localstack.LocalPostgres;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayProcess;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production artifact ({@code java -jar target/quarkus-app/quarkus-run.jar}) configured only by the
 * environment variables of CONTRACT.md §1, against the real broker: start-up checks, a provider implementation
 * that is not ours, and a SIGKILL between publishing results and committing their commands.
 */
class PackagedGatewayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUP = "scanforpay-gateway";

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void missingSettingsStopStartUpNamingEachInOneLine() {
        GatewayProcess gateway = GatewayProcess.start("no-settings", Map.of());
        assertNotEquals(0, gateway.waitForExit(Duration.ofSeconds(60)));

        List<String> lines = gateway.log().lines().toList();
        for (String setting : List.of("kafka.bootstrap.servers", "scanforpay.partner-no", "scanforpay.sign-key",
                "quarkus.datasource.jdbc.url")) {
            assertEquals(1, lines.stream().filter(line -> line.contains("property " + setting + " is required"))
                    .count(), setting + " named on one line in:\n" + gateway.log());
        }
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ")), "no stack trace:\n" + gateway.log());
    }

    @Test
    void productionRefusesAPlainHttpProviderAndASandboxKeyNamingEachInOneLine() {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.remove("SCANFORPAY_ALLOW_SANDBOX");
        env.put("SCANFORPAY_SIGN_KEY", "sandbox-sign-key");
        GatewayProcess gateway = GatewayProcess.start("sandbox-refused", env);
        assertNotEquals(0, gateway.waitForExit(Duration.ofSeconds(60)));

        List<String> lines = gateway.log().lines().toList();
        for (String setting : List.of("SCANFORPAY_BASE_URL must be an https:// URL", "SCANFORPAY_SIGN_KEY is a sandbox key")) {
            assertEquals(1, lines.stream().filter(line -> line.contains(setting)).count(),
                    setting + " on one line in:\n" + gateway.log());
        }
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ")), "no stack trace:\n" + gateway.log());
    }

    @Test
    void inconsistentPartnerSettingsStopStartUpNamingEachInOneLine() {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        // a partner without a key, and a store (numeric: its key is quoted, "__") naming a partner that does not exist
        env.put("SCANFORPAY_PARTNERS_TOKYO_PARTNER_NO", "20002");
        env.put("SCANFORPAY_STORES__200020000000001__PARTNER", "tokyo");
        env.put("SCANFORPAY_STORES__300030000000001__PARTNER", "nagoya");
        GatewayProcess gateway = GatewayProcess.start("partners-refused", env);
        assertNotEquals(0, gateway.waitForExit(Duration.ofSeconds(60)));

        List<String> lines = gateway.log().lines().toList();
        for (String problem : List.of(
                "scanforpay.partners.\"tokyo\".sign-key (or .sign-key-file) is required",
                "scanforpay.stores.\"300030000000001\".partner names partner nagoya, which is not configured")) {
            assertEquals(1, lines.stream().filter(line -> line.contains(problem)).count(),
                    problem + " on one line in:\n" + gateway.log());
        }
        assertTrue(lines.stream().noneMatch(line -> line.contains("200020000000001")), "that store is fine:\n"
                + gateway.log());
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ")), "no stack trace:\n" + gateway.log());
    }

    @Test
    void apiKeysFromTheEnvironmentGuardThePaymentsApi() throws Exception {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_API_KEYS_TILL7", "till7-key-3f9a61");
        try (GatewayProcess gateway = GatewayProcess.start("api-keys", env).awaitReady()) {
            String order = newOrderNo();
            String body = "{\"partnerOrderNo\":\"" + order + "\",\"barcode\":\"" + SandboxBarcodes.PAID
                    + "\",\"orderAmount\":2100}";
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, Integer> post = key -> {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway.baseUrl()
                        + "/payments?wait=10s")).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
                if (key != null) {
                    request.header("Authorization", "Bearer " + key);
                }
                try {
                    return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            assertEquals(401, post.apply(null));
            assertEquals(401, post.apply("till7-key-3f9a6"));
            assertEquals(200, post.apply("till7-key-3f9a61"));
            assertEquals(1, GatewayTestStack.sandbox().payCalls(order));
        }
    }

    @Test
    void paysThroughAProviderImplementationThatIsNotOurs() throws Exception {
        String partnerNo = "20002";
        String signKey = "independent-key-9d1c";
        Process provider = new ProcessBuilder("python3", "src/test/python/independent_provider.py", "0", partnerNo,
                signKey).redirectErrorStream(true).start();
        List<String> providerLog = new CopyOnWriteArrayList<>();
        int providerPort = readPortThenKeepReading(provider, providerLog);
        String topic = newCommandsTopic(3);
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_BASE_URL", "http://127.0.0.1:" + providerPort);
        env.put("SCANFORPAY_PARTNER_NO", partnerNo);
        env.put("SCANFORPAY_SIGN_KEY", signKey);
        env.put("SCANFORPAY_TOPIC_COMMANDS", topic);
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"); // as in docker-compose.yml
        try (GatewayProcess gateway = GatewayProcess.start("independent-provider", env).awaitReady()) {
            String paid = newOrderNo();
            String declined = newOrderNo();
            pay(topic, paid, "284447106610060500");
            pay(topic, declined, "284447106610060501");

            JsonNode success = awaitResults(paid, 1).get(0);
            assertEquals("SUCCESS", success.get("outcome").asText());
            assertTrue(success.get("orderNo").asText().startsWith("PY"), success.toString());
            assertEquals(2100, success.get("orderAmount").asInt());
            JsonNode failed = awaitResults(declined, 1).get(0);
            assertEquals("FAILED", failed.get("outcome").asText());
            assertEquals(51, failed.get("code").asInt());
            assertEquals("余额不足", failed.get("msg").asText(), "UTF-8 text verified and kept");

            assertTrue(providerLog.contains("/api/offline/pay " + paid + " signed"), String.join("\n", providerLog));
            assertTrue(providerLog.contains("/api/offline/pay " + declined + " signed"), String.join("\n", providerLog));

            // JSON logs: the lines about a payment carry its order and provider request as fields
            List<JsonNode> aboutPaid = new ArrayList<>();
            for (String line : gateway.log().split("\n")) {
                if (line.startsWith("{") && line.contains(paid)) {
                    aboutPaid.add(JSON.readTree(line));
                }
            }
            assertTrue(!aboutPaid.isEmpty(), gateway.log());
            for (JsonNode line : aboutPaid) {
                assertEquals(paid, line.path("mdc").path("partnerOrderNo").asText(), line.toString());
            }
            assertTrue(aboutPaid.stream().anyMatch(line -> line.path("mdc").path("reqMsgId").asText()
                    .equals(success.get("reqMsgId").asText())), aboutPaid.toString());
        } finally {
            provider.destroyForcibly();
        }
    }

    /**
     * The gateway is killed while a batch has published most of its results but, waiting for its slowest
     * payment, has not committed anything. After a restart every command has its result: the batch is delivered
     * again, and the results already published are recognised from the ledger and the key store, not repeated.
     */
    @Test
    void killedBetweenPublishingAndCommittingLosesNoResult() {
        // one partition: the gateway's first poll then returns all of them as one batch
        String topic = newCommandsTopic(1);
        List<String> paid = IntStream.range(0, 100).mapToObj(i -> newOrderNo()).toList();
        String slow = newOrderNo();
        // everything is on the topic before the gateway starts
        pay(topic, slow, SandboxBarcodes.SLOW);
        paid.forEach(order -> pay(topic, order, SandboxBarcodes.PAID));
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_TOPIC_COMMANDS", topic);
        // the sandbox answers SLOW after 5 s: the batch stays open (uncommitted) for 4 s after the others are paid
        env.put("SCANFORPAY_RESPONSE_TIMEOUT", "4s");

        try (GatewayProcess first = GatewayProcess.start("crash-first-run", env).awaitReady()) {
            // published and recorded as published: the window under test is the one before the offset commit
            // (killed between Kafka's acknowledgement and that record, a result may repeat; README, "at-least-once")
            await("results of the paid orders, recorded").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> paid.stream().noneMatch(order -> TOPICS.results().withKey(order).isEmpty())
                            && recordedAsPublished(paid, "SUCCESS") == paid.size());
            assertTrue(committed(topic).isEmpty(), "still inside the window: nothing committed yet");
            assertTrue(TOPICS.results().withKey(slow).isEmpty(), "the slow payment has no result yet");
            first.kill();
        }

        try (GatewayProcess second = GatewayProcess.start("crash-second-run", env).awaitReady()) {
            // the dead instance keeps its partition until its session times out (10 s); the slow payment, cut off
            // mid-call, is settled by a query
            await("the slow payment's result").atMost(Duration.ofSeconds(60))
                    .until(() -> !TOPICS.results().withKey(slow).isEmpty());
            assertEquals("SUCCESS", TOPICS.results().jsonWithKey(slow).get(0).get("outcome").asText());
            await("batch committed after the restart").atMost(Duration.ofSeconds(30))
                    .until(() -> committed(topic).values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 101);
        }
        TOPICS.results().awaitCaughtUp();
        for (String order : paid) {
            assertEquals(List.of("SUCCESS"), outcomes(order), "one result, from before the crash: " + order);
            assertEquals(1, GatewayTestStack.sandbox().payCalls(order), "paid once: " + order);
        }
        assertEquals(1, GatewayTestStack.sandbox().payCalls(slow), "asked, not paid again");
    }

    /**
     * Commands keep arriving while the gateway is stopped (SIGTERM: graceful; SIGKILL: crash) and restarted: every
     * payment ends with one final result and none is paid twice, whatever it was doing when the process stopped.
     */
    @ParameterizedTest(name = "SIGKILL: {0}")
    @ValueSource(booleans = {true, false})
    void stoppedMidStreamLosesNoCommandAndPaysNoOrderTwice(boolean kill) throws Exception {
        String topic = newCommandsTopic(3);
        List<String> barcodes = List.of(SandboxBarcodes.PAID, SandboxBarcodes.PAID, SandboxBarcodes.DECLINED,
                SandboxBarcodes.WAITING_THEN_PAID, SandboxBarcodes.SLOW);
        List<String> orders = IntStream.range(0, 250).mapToObj(i -> newOrderNo()).toList();
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_TOPIC_COMMANDS", topic);
        env.put("SCANFORPAY_RESPONSE_TIMEOUT", "4s");
        Thread producer = new Thread(() -> {
            for (int i = 0; i < orders.size(); i++) {
                pay(topic, orders.get(i), barcodes.get(i % barcodes.size()));
            }
        }, "command-stream");

        String run = kill ? "midstream-kill" : "midstream-term";
        try (GatewayProcess first = GatewayProcess.start(run + "-first", env).awaitReady()) {
            producer.start();
            await("some payments done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> orders.stream().filter(order -> !TOPICS.results().withKey(order).isEmpty()).count() >= 60);
            if (kill) {
                first.kill();
            } else {
                // stops taking commands, finishes (or leaves in the ledger) what is in flight, then exits
                first.terminate();
                assertTrue(first.log().contains("shutdown"), first.log());
            }
        }
        try (GatewayProcess second = GatewayProcess.start(run + "-second", env).awaitReady()) {
            producer.join();
            await("every payment final").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> orders.stream().allMatch(order -> outcomes(order).stream().anyMatch(FINAL::contains)));
        }
        TOPICS.results().awaitCaughtUp();
        for (String order : orders) {
            List<String> finals = outcomes(order).stream().filter(FINAL::contains).distinct().toList();
            assertEquals(1, finals.size(), order + " has one final outcome: " + outcomes(order));
            assertEquals(1, GatewayTestStack.sandbox().payCalls(order), "paid once: " + order);
        }
    }

    private static final List<String> FINAL = List.of("SUCCESS", "FAILED", "REFUNDED", "REJECTED", "UNKNOWN");

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome");
    }

    private static String newCommandsTopic(int partitions) {
        String topic = "it.commands." + UUID.randomUUID().toString().substring(0, 8);
        GatewayTestStack.broker().createTopic(topic, partitions);
        return topic;
    }

    private static String newOrderNo() {
        return "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    private static void pay(String topic, String order, String barcode) {
        TOPICS.kafka().send(topic, order, Commands.pay(order, barcode, 2100));
    }

    private static List<JsonNode> awaitResults(String order, int atLeast) {
        await("results for " + order).atMost(Duration.ofSeconds(30))
                .until(() -> TOPICS.results().withKey(order).size() >= atLeast);
        return TOPICS.results().jsonWithKey(order);
    }

    /** How many of these orders' PAY results with this outcome the gateway has recorded as published. */
    private static int recordedAsPublished(List<String> orders, String outcome) {
        LocalPostgres postgres = GatewayTestStack.postgres();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
                postgres.password());
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM idempotent_keys"
                        + " WHERE repository_name = ? AND state = 'DONE' AND idempotency_key = ANY (?)")) {
            statement.setString(1, IdempotencyBeans.PUBLISHED_RESULTS_REPOSITORY);
            statement.setArray(2, connection.createArrayOf("varchar",
                    orders.stream().map(order -> order + "/PAY/" + outcome).toArray()));
            try (ResultSet count = statement.executeQuery()) {
                count.next();
                return count.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the published-results keys", e);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String topic) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, GatewayTestStack.broker().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().forEach((partition, offset) -> {
                if (partition.topic().equals(topic) && offset != null) {
                    offsets.put(partition, offset);
                }
            });
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read committed offsets", e);
        }
    }

    private static int readPortThenKeepReading(Process provider, List<String> log) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(provider.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("listening ")) {
            throw new IllegalStateException("independent provider did not start: " + first);
        }
        Thread reader = new Thread(() -> out.lines().forEach(log::add), "independent-provider-log");
        reader.setDaemon(true);
        reader.start();
        return Integer.parseInt(first.substring("listening ".length()).trim());
    }
}
