package com.scanforpay.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.devstack.LocalPostgres;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxCall;
import com.scanforpay.gateway.sandbox.SandboxOrder;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.GatewayProcess;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.KafkaTopics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production artifact ({@code java -jar target/quarkus-app/quarkus-run.jar}) configured only by the
 * environment variables of docs/contract.md §1, against the real broker: start-up checks, API keys, a SIGKILL between
 * publishing results and committing their commands, and stops (SIGKILL, SIGTERM) while commands keep coming. The
 * money scenarios against a provider that is not ours: {@link IndependentProviderIT}.
 */
class PackagedGatewayIT {

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

    /**
     * The payments API needs a key; health, metrics and Swagger UI (kept in prod) need none and answer on the
     * management port only, never on the main port that tills and the provider reach.
     */
    @Test
    void apiKeysFromTheEnvironmentGuardThePaymentsApi() throws Exception {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_API_KEYS_TILL7", "till7-key-3f9a61");
        try (GatewayProcess gateway = GatewayProcess.start("api-keys", env).awaitReady()) {
            String order = OrderNumbers.next("it");
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

            java.util.function.Function<String, Integer> get = url -> {
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            for (String path : List.of("/q/health/ready", "/q/metrics", "/q/swagger-ui/")) {
                assertEquals(200, get.apply(gateway.managementUrl() + path), path + " on the management port");
                assertEquals(404, get.apply(gateway.baseUrl() + path), path + " on the main port");
            }
        }
    }

    @Test
    void killedBetweenPublishingAndCommittingLosesNoResult() {
        // one partition: the gateway's first poll then returns all of them as one batch
        String topic = newCommandsTopic(1);
        String inFlight = OrderNumbers.next("it");
        List<String> paid = IntStream.range(0, 100).mapToObj(i -> OrderNumbers.next("it")).toList();
        // everything is on the topic before the gateway starts; the sandbox holds the first payment's answer, so
        // the batch stays open (uncommitted) until the test lets it go
        TOPICS.kafka().pay(topic, inFlight, SandboxBarcodes.HELD, 2100);
        paid.forEach(order -> TOPICS.kafka().pay(topic, order, SandboxBarcodes.PAID, 2100));
        Map<String, String> env = withCommandsTopic(topic);
        ScanForPaySandbox sandbox = GatewayTestStack.sandbox();

        try (GatewayProcess first = GatewayProcess.start("crash-first-run", env).awaitReady()) {
            await("the held payment in flight").atMost(Duration.ofSeconds(30))
                    .until(() -> sandbox.held().contains(inFlight));
            // published and recorded as published: the window under test is the one before the offset commit
            // (killed between Kafka's acknowledgement and that record, a result may repeat; docs/contract.md §6)
            await("results of the paid orders, recorded").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> paid.stream().noneMatch(order -> TOPICS.results().withKey(order).isEmpty())
                            && recordedAsPublished(paid, "SUCCESS") == paid.size());
            assertTrue(sandbox.held().contains(inFlight), "its caller still waits for the answer");
            first.kill();
        }
        // checked after the kill: the process died inside the window, with nothing of the batch committed
        assertEquals(Map.of(), committedOffsets(topic), "nothing of the batch committed before the kill");
        assertTrue(TOPICS.results().withKey(inFlight).isEmpty(), "the payment in flight has no result yet");
        await("the call died with the process").atMost(Duration.ofSeconds(10))
                .until(() -> !sandbox.held().contains(inFlight));

        try (GatewayProcess second = GatewayProcess.start("crash-second-run", env).awaitReady()) {
            // the dead instance keeps its partition until its session times out; the payment cut off mid-call is
            // settled by a query once that call would have timed out
            await("the cut-off payment's result").atMost(Duration.ofSeconds(60))
                    .until(() -> !TOPICS.results().withKey(inFlight).isEmpty());
            TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
        }
        assertEquals(Map.of(0, 101L), committedOffsets(topic), "the whole batch committed after the restart");
        for (String order : paid) {
            List<JsonNode> results = TOPICS.results().jsonWithKey(order);
            assertEquals(1, results.size(), "one result, from before the crash, not repeated: " + results);
            assertMatchesTheProvider(order, results, SandboxBarcodes.PAID);
            assertEquals("PAY_RESPONSE", results.get(0).get("source").asText(), order);
        }
        List<JsonNode> cutOff = TOPICS.results().jsonWithKey(inFlight);
        assertMatchesTheProvider(inFlight, cutOff, SandboxBarcodes.HELD);
        assertEquals("QUERY", cutOff.get(0).get("source").asText(), "its answer never came: asked " + cutOff);
        assertTrue(sandbox.calls(ScanForPaySandbox.QUERY_PATH).stream()
                .anyMatch(call -> inFlight.equals(call.partnerOrderNo())), "queried");
    }

    /**
     * A poll's payments are admitted to the ledger together (one statement) and only then sent. Killed after that
     * write, with none of the calls having reached the provider (it accepts connections and never reads or answers,
     * like a network that drops them), the restarted instance asks the provider about each payment, learns it never
     * arrived (code 30) and sends it once: every order paid once, none lost.
     */
    @Test
    void killedAfterABatchOfPaymentsWasAdmittedBeforeTheProviderGotThemPaysEachOnce() throws IOException {
        String topic = newCommandsTopic(1);
        List<String> orders = IntStream.range(0, 30).mapToObj(i -> OrderNumbers.next("it")).toList();
        orders.forEach(order -> TOPICS.kafka().pay(topic, order, SandboxBarcodes.PAID, 2100));
        Map<String, String> env = withCommandsTopic(topic);
        // stated, not left to the defaults: a call is asked about after the response timeout (well after the kill,
        // so every call is still in flight then) and may be sent once more until the deadline
        env.put("SCANFORPAY_RESPONSE_TIMEOUT", "10s");
        env.put("SCANFORPAY_PENDING_DEADLINE", "120s");
        ScanForPaySandbox sandbox = GatewayTestStack.sandbox();

        try (SilentProvider silent = new SilentProvider()) {
            Map<String, String> unreachable = new HashMap<>(env);
            unreachable.put("SCANFORPAY_BASE_URL", silent.baseUrl());
            try (GatewayProcess first = GatewayProcess.start("admitted-batch-first-run", unreachable).awaitReady()) {
                await("every payment admitted and its call under way").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> ledgerStates(orders).equals(Map.of("PAYING", orders.size()))
                                && silent.connections() > 0);
                first.kill();
            }
        }
        assertEquals(Map.of(), committedOffsets(topic), "nothing committed before the kill");
        assertTrue(orders.stream().allMatch(order -> TOPICS.results().withKey(order).isEmpty()), "no result yet");
        assertTrue(orders.stream().allMatch(order -> sandbox.payCalls(order) == 0), "the provider got none of them");

        try (GatewayProcess second = GatewayProcess.start("admitted-batch-second-run", env).awaitReady()) {
            // the payments stay PAYING until their calls would have timed out, then each is queried
            await("every payment settled").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> orders.stream().allMatch(order -> outcomes(order).contains("SUCCESS")));
            TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
        }
        assertEquals(Map.of(0, (long) orders.size()), committedOffsets(topic), "everything committed");
        assertEquals(Map.of("SUCCESS", orders.size()), ledgerStates(orders));
        for (String order : orders) {
            assertMatchesTheProvider(order, TOPICS.results().jsonWithKey(order), SandboxBarcodes.PAID);
            List<String> calls = sandbox.calls().stream().filter(call -> order.equals(call.partnerOrderNo()))
                    .map(SandboxCall::path).toList();
            assertEquals(ScanForPaySandbox.QUERY_PATH, calls.get(0), "asked before it was sent again: " + calls);
            assertTrue(calls.contains(ScanForPaySandbox.PAY_PATH), "sent again: " + calls);
        }
    }

    /**
     * The consumer commits while payments run: a partition up to its first record without an acknowledged result,
     * never past it, however many after it are done. Killed then, the records after the one in flight come again
     * and repeat nothing.
     */
    @Test
    void killedWithAPaymentInFlightMidPartitionCommittedOnlyWhatCameBeforeIt() {
        String topic = newCommandsTopic(1);
        List<String> before = IntStream.range(0, 40).mapToObj(i -> OrderNumbers.next("it")).toList();
        String inFlight = OrderNumbers.next("it");
        List<String> after = IntStream.range(0, 40).mapToObj(i -> OrderNumbers.next("it")).toList();
        before.forEach(order -> TOPICS.kafka().pay(topic, order, SandboxBarcodes.PAID, 2100));
        TOPICS.kafka().pay(topic, inFlight, SandboxBarcodes.HELD, 2100);
        after.forEach(order -> TOPICS.kafka().pay(topic, order, SandboxBarcodes.PAID, 2100));
        List<String> paid = new ArrayList<>(before);
        paid.addAll(after);
        Map<String, String> env = withCommandsTopic(topic);
        ScanForPaySandbox sandbox = GatewayTestStack.sandbox();

        try (GatewayProcess first = GatewayProcess.start("mid-partition-first-run", env).awaitReady()) {
            await("the held payment in flight, everything else published and recorded, the first 40 committed")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> sandbox.held().contains(inFlight)
                            && paid.stream().noneMatch(order -> TOPICS.results().withKey(order).isEmpty())
                            && recordedAsPublished(paid, "SUCCESS") == paid.size()
                            && Map.of(0, 40L).equals(committedOffsets(topic)));
            first.kill();
        }
        assertEquals(Map.of(0, 40L), committedOffsets(topic),
                "committed up to the payment in flight, not past it, though the 40 after it were done");
        assertTrue(TOPICS.results().withKey(inFlight).isEmpty(), "the payment in flight has no result yet");

        try (GatewayProcess second = GatewayProcess.start("mid-partition-second-run", env).awaitReady()) {
            await("the cut-off payment's result").atMost(Duration.ofSeconds(60))
                    .until(() -> !TOPICS.results().withKey(inFlight).isEmpty());
            TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
        }
        assertEquals(Map.of(0, 81L), committedOffsets(topic), "everything committed after the restart");
        for (String order : paid) {
            List<JsonNode> results = TOPICS.results().jsonWithKey(order);
            assertEquals(1, results.size(), "one result, from before the crash, not repeated: " + results);
            assertMatchesTheProvider(order, results, SandboxBarcodes.PAID);
            assertEquals(1, sandbox.payCalls(order), order);
        }
        assertMatchesTheProvider(inFlight, TOPICS.results().jsonWithKey(inFlight), SandboxBarcodes.HELD);
        assertEquals(1, sandbox.payCalls(inFlight), "the cut-off payment is queried, never paid again");
    }

    /**
     * Commands keep arriving before, while and after the gateway is stopped (SIGKILL: crash; SIGTERM: graceful)
     * and restarted, and at the stop payments are demonstrably in flight (their answers held by the sandbox, their
     * caller waiting). Every payment ends with the outcome the provider recorded (the provider always knows here,
     * so never UNKNOWN), none is paid twice, and a repeated result is the first one again.
     */
    @ParameterizedTest(name = "SIGKILL: {0}")
    @ValueSource(booleans = {true, false})
    void stoppedMidStreamLosesNoCommandAndPaysNoOrderTwice(boolean kill) {
        String topic = newCommandsTopic(3);
        List<String> barcodes = List.of(SandboxBarcodes.PAID, SandboxBarcodes.DECLINED,
                SandboxBarcodes.WAITING_THEN_PAID, SandboxBarcodes.WAITING_THEN_FAILED, SandboxBarcodes.HELD);
        Map<String, String> barcodeOf = new LinkedHashMap<>();
        IntStream.range(0, 240)
                .forEach(i -> barcodeOf.put(OrderNumbers.next("it"), barcodes.get(i % barcodes.size())));
        List<String> orders = List.copyOf(barcodeOf.keySet());
        List<String> sentBeforeStop = orders.subList(0, 150);
        // sent once held payments are no longer let through (two of them HELD): if the last release let every
        // batch finish, these come in a new one and stay held, so payments are surely in flight at the stop
        List<String> sentLastBeforeStop = orders.subList(150, 160);
        List<String> sentWhileStopped = orders.subList(160, 200);
        List<String> sentAfterRestart = orders.subList(200, 240);
        Map<String, String> env = withCommandsTopic(topic);
        ScanForPaySandbox sandbox = GatewayTestStack.sandbox();

        String run = kill ? "midstream-kill" : "midstream-term";
        Set<String> inFlightAtStop;
        try (GatewayProcess first = GatewayProcess.start(run + "-first", env).awaitReady()) {
            Thread producer = new Thread(() -> sentBeforeStop.forEach(order -> TOPICS.kafka().pay(topic, order,
                    barcodeOf.get(order), 2100)), "command-stream");
            producer.start();
            // held payments are let through until part of the stream is done...
            await("some payments done").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        releaseHeld(orders);
                        return orders.stream().filter(order -> !TOPICS.results().withKey(order).isEmpty())
                                .count() >= 60;
                    });
            // ...then no more: the batches holding them stay open
            join(producer);
            sentLastBeforeStop.forEach(order -> TOPICS.kafka().pay(topic, order, barcodeOf.get(order), 2100));
            inFlightAtStop = await("payments in flight").atMost(Duration.ofSeconds(30))
                    .until(() -> heldOf(orders), held -> !held.isEmpty());
            if (kill) {
                first.kill();
                await("their calls died with the process").atMost(Duration.ofSeconds(10))
                        .until(() -> Collections.disjoint(sandbox.held(), inFlightAtStop));
            } else {
                // stops taking commands, finishes what is in flight, then exits: its held payments are still
                // waited for while it drains, and their answers are let in until it has exited
                first.signalTerminate();
                await("graceful shutdown under way").atMost(Duration.ofSeconds(30))
                        .until(() -> first.log().contains("is shutting down"));
                assertTrue(sandbox.held().containsAll(inFlightAtStop), "still waited for while draining");
                await("drained and exited").atMost(Duration.ofSeconds(60)).until(() -> {
                    releaseHeld(orders);
                    return !first.isAlive();
                });
                first.awaitTerminated();
            }
        }
        sentWhileStopped.forEach(order -> TOPICS.kafka().pay(topic, order, barcodeOf.get(order), 2100));

        try (GatewayProcess second = GatewayProcess.start(run + "-second", env).awaitReady()) {
            sentAfterRestart.forEach(order -> TOPICS.kafka().pay(topic, order, barcodeOf.get(order), 2100));
            await("every payment final").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        releaseHeld(orders); // the restarted instance's own held payments
                        return orders.stream().allMatch(order -> outcomes(order).stream()
                                .anyMatch(outcome -> !outcome.equals("PENDING")));
                    });
            TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
        }
        for (String order : orders) {
            assertMatchesTheProvider(order, TOPICS.results().jsonWithKey(order), barcodeOf.get(order));
        }
        // how the payments in flight at the stop were settled: a killed call is asked about by the restarted
        // instance; a drained one got its answer before the exit
        for (String order : inFlightAtStop) {
            assertEquals(kill ? "QUERY" : "PAY_RESPONSE", finalResult(order).get("source").asText(), order);
        }
    }

    /**
     * What a gateway must have published for {@code order}, checked against what the sandbox recorded: one final
     * outcome, the provider's (no UNKNOWN: it knows), with its order number and amount, possibly preceded by
     * PENDING, never followed by it; a repeated result is the first one again; one pay call.
     */
    private static void assertMatchesTheProvider(String order, List<JsonNode> results, String barcode) {
        SandboxOrder recorded = GatewayTestStack.sandbox().order(order).orElseThrow(() -> new AssertionError(
                "the sandbox never saw " + order));
        String expected = switch (recorded.status()) {
            case SandboxOrder.PAID -> "SUCCESS";
            case SandboxOrder.FAILED -> "FAILED";
            default -> throw new AssertionError("the sandbox has no final status for " + recorded);
        };
        List<String> outcomes = results.stream().map(result -> result.get("outcome").asText()).toList();
        int firstFinal = outcomes.indexOf(expected);
        assertTrue(firstFinal >= 0, order + " ends " + expected + " as the provider recorded: " + results);
        assertTrue(outcomes.subList(0, firstFinal).stream().allMatch("PENDING"::equals)
                && outcomes.subList(firstFinal, outcomes.size()).stream().allMatch(expected::equals),
                order + ": only PENDING before " + expected + ", nothing else after it: " + outcomes);
        assertRepeatsIdentical(order, results);

        JsonNode result = results.get(firstFinal);
        if (barcode.equals(SandboxBarcodes.DECLINED) && result.path("source").asText().equals("PAY_RESPONSE")) {
            // the pay call itself was refused: the provider's code (a query, after a crash, finds the order failed)
            assertEquals(ScanForPaySandbox.CODE_INSUFFICIENT_BALANCE, result.path("code").asInt(), result.toString());
        } else {
            assertEquals(recorded.orderNo(), result.path("orderNo").asText(), result.toString());
            assertEquals(recorded.status(), result.path("status").asInt(), result.toString());
            assertEquals(recorded.amount(), result.path("orderAmount").asInt(), result.toString());
        }
        assertEquals(1, GatewayTestStack.sandbox().payCalls(order), "paid once: " + order);
    }

    /**
     * A repeat (allowed after a crash: at-least-once) is the first result again. A final result is republished
     * from the ledger's stored copy, so every field is the same; PENDING is not stored, a repeat is made anew from
     * a later answer, so only its request id and time may differ.
     */
    private static void assertRepeatsIdentical(String order, List<JsonNode> results) {
        Map<String, JsonNode> first = new HashMap<>();
        for (JsonNode result : results) {
            ObjectNode compared = result.deepCopy();
            if (compared.get("outcome").asText().equals("PENDING")) {
                compared.remove(List.of("reqMsgId", "timestamp"));
            }
            JsonNode earlier = first.putIfAbsent(compared.get("outcome").asText(), compared);
            assertTrue(earlier == null || earlier.equals(compared), order + " repeated differently: " + results);
        }
    }

    private static JsonNode finalResult(String order) {
        return TOPICS.results().jsonWithKey(order).stream()
                .filter(result -> !result.get("outcome").asText().equals("PENDING")).findFirst().orElseThrow();
    }

    /** Lets the held payments of these orders answer. */
    private static void releaseHeld(List<String> orders) {
        heldOf(orders).forEach(GatewayTestStack.sandbox()::release);
    }

    /** The payments of these orders in flight: their answers held by the sandbox, their callers waiting. */
    private static Set<String> heldOf(List<String> orders) {
        Set<String> held = new HashSet<>(GatewayTestStack.sandbox().held());
        held.retainAll(orders);
        return held;
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The packaged gateway on its own commands topic, with the default response timeout (30 s): far longer than
     * the test holds a payment it means to let through, so no clock decides what is in flight. A call killed with
     * its process is asked about once it would have timed out.
     */
    static Map<String, String> withCommandsTopic(String topic) {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_TOPIC_COMMANDS", topic);
        return env;
    }

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome");
    }

    static String newCommandsTopic(int partitions) {
        String topic = "it.commands." + UUID.randomUUID().toString().substring(0, 8);
        GatewayTestStack.broker().createTopic(topic, partitions);
        return topic;
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

    /** How many of these orders the ledger has in each payment state. */
    private static Map<String, Integer> ledgerStates(List<String> orders) {
        LocalPostgres postgres = GatewayTestStack.postgres();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(),
                postgres.password());
                PreparedStatement statement = connection.prepareStatement("SELECT state, count(*) FROM payments"
                        + " WHERE partner_order_no = ANY (?) GROUP BY state")) {
            statement.setArray(1, connection.createArrayOf("varchar", orders.toArray()));
            Map<String, Integer> states = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    states.put(rows.getString(1), rows.getInt(2));
                }
            }
            return states;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the ledger", e);
        }
    }

    /**
     * A provider address that accepts connections and never reads or answers: calls to it
     * stay in flight without reaching any provider.
     */
    private static final class SilentProvider implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor = new Thread(this::accept, "silent-provider");

        SilentProvider() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        synchronized int connections() {
            return accepted.size();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    keep(server.accept());
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        /** Keeps an accepted connection open, or closes it if the provider has been closed meanwhile. */
        private synchronized void keep(Socket socket) throws IOException {
            if (server.isClosed()) {
                socket.close();
            } else {
                accepted.add(socket);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    /** The gateway group's committed offset of each partition of {@code topic} that has one. */
    static Map<Integer, Long> committedOffsets(String topic) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, GatewayTestStack.broker().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<Integer, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(GatewayTestStack.GROUP).partitionsToOffsetAndMetadata().get()
                    .forEach((partition, offset) -> {
                        if (partition.topic().equals(topic) && offset != null) {
                            offsets.put(partition.partition(), offset.offset());
                        }
                    });
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read committed offsets", e);
        }
    }
}
