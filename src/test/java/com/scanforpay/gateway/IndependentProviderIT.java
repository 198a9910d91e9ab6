package com.scanforpay.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.testing.GatewayProcess;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged gateway against {@code src/test/python/independent_provider.py}, a ScanForPay written from
 * docs/provider-protocol.md alone: it shares no code with the gateway (unlike the sandbox, which uses the gateway's own envelope
 * and request records), so a field the gateway names or reads wrongly, in pay, payQuery or refund, fails here even
 * when the gateway and the sandbox agree on the mistake. Every money scenario ends with the gateway's results
 * compared with what the provider recorded, and every request the provider received must have passed its checks
 * (signature, {@code partnerNo}, header and body fields). One provider and one gateway serve the whole class.
 */
class IndependentProviderIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PARTNER_NO = "20002";
    private static final String SIGN_KEY = "independent-key-9d1c";
    private static final int AMOUNT = 2100;
    /** How many queries the provider answers "waiting" before a waiting payment takes its final status. */
    private static final int WAITING_QUERIES = 2;
    /** The provider's scenario is the barcode's last two digits (see the provider's docstring). */
    private static final String BARCODE_PREFIX = "2844471066100605";
    private static final String PAID = BARCODE_PREFIX + "00";
    private static final String DECLINED = BARCODE_PREFIX + "01";
    private static final String WAITING_THEN_PAID = BARCODE_PREFIX + "02";
    private static final String WAITING_THEN_FAILED = BARCODE_PREFIX + "03";
    private static final String SLOW = BARCODE_PREFIX + "04";
    private static final String LOST = BARCODE_PREFIX + "05";
    private static final String ANSWER_WRONGLY_SIGNED = BARCODE_PREFIX + "06";
    private static final String ANSWER_OF_ANOTHER_PARTNER = BARCODE_PREFIX + "07";
    private static final String PARTLY_REFUNDED_AT_THE_PORTAL = BARCODE_PREFIX + "08";
    private static final String WAITING_THEN_PAID_NOTIFIED = BARCODE_PREFIX + "09";

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    private static Process provider;
    private static final List<String> providerLog = new CopyOnWriteArrayList<>();
    private static String providerUrl;
    private static GatewayProcess gateway;
    private static String topic;
    private static String group;

    @BeforeAll
    static void startProviderAndGateway() throws IOException {
        // slow answers after 15 s, far past the gateway's 2 s; waiting payments are final after WAITING_QUERIES
        // queries answered "waiting", not after a time that the gateway's first query would race
        provider = new ProcessBuilder("python3", "src/test/python/independent_provider.py", "0", PARTNER_NO, SIGN_KEY,
                "15", String.valueOf(WAITING_QUERIES)).redirectErrorStream(true).start();
        providerUrl = "http://127.0.0.1:" + readPortThenKeepReading(provider, providerLog);
        topic = "it.independent." + UUID.randomUUID().toString().substring(0, 8);
        group = "it-independent-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayTestStack.broker().createTopic(topic, 3);
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_BASE_URL", providerUrl);
        env.put("SCANFORPAY_PARTNER_NO", PARTNER_NO);
        env.put("SCANFORPAY_SIGN_KEY", SIGN_KEY);
        env.put("SCANFORPAY_TOPIC_COMMANDS", topic);
        env.put("SCANFORPAY_CONSUMER_GROUP_ID", group);
        // the port is chosen by GatewayProcess: the notify URL names it by expression
        env.put("SCANFORPAY_NOTIFY_URL", "http://127.0.0.1:${quarkus.http.port}/scanforpay/notify");
        env.put("SCANFORPAY_RESPONSE_TIMEOUT", "2s");
        env.put("SCANFORPAY_PENDING_FIRST_QUERY_DELAY", "500ms");
        env.put("SCANFORPAY_PENDING_QUERY_INTERVAL", "500ms");
        env.put("SCANFORPAY_PENDING_RESOLVER_TICK", "100ms");
        env.put("SCANFORPAY_PENDING_DEADLINE", "30s");
        env.put("SCANFORPAY_REFUND_DEADLINE", "3s");
        env.put("SCANFORPAY_PENDING_SWEEP_INTERVAL", "1s"); // also how often refunds past their deadline are looked for
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"); // as in docker-compose.yml
        gateway = GatewayProcess.start("independent-provider", env).awaitReady();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.destroy();
        }
    }

    /** Whatever the scenario, the gateway never sent the provider a request it had to refuse. */
    @AfterEach
    void everyRequestPassedTheProvidersChecks() {
        List<JsonNode> refused = providerRequests().stream()
                .filter(line -> !"ok".equals(line.path("verdict").asText())).toList();
        assertTrue(refused.isEmpty(), "requests the provider refused: " + refused);
    }

    @Test
    void paidAndDeclinedKeepTheProvidersAnswerAndAPaymentNotifiedTwiceIsPublishedOnce() throws IOException {
        String paid = OrderNumbers.next("it");
        String declined = OrderNumbers.next("it");
        TOPICS.kafka().pay(topic, paid, PAID, AMOUNT);
        TOPICS.kafka().pay(topic, declined, DECLINED, AMOUNT);
        await("both notifications answered").atMost(Duration.ofSeconds(30))
                .until(() -> providerState(paid).path("notifies").size() == 2);
        settle();

        JsonNode success = onlyResult(paid);
        // the pay answer or, on a slow machine, the notification sent right after it
        assertTrue(List.of("PAY/SUCCESS/PAY_RESPONSE", "PAY/SUCCESS/NOTIFY").contains(summaries(paid).get(0)),
                success.toString());
        assertMatchesProvidersOrder(success, paid, 1);
        JsonNode paidAtProvider = providerState(paid);
        assertEquals(1, paidAtProvider.path("payCalls").asInt());
        for (JsonNode answer : paidAtProvider.path("notifies")) {
            assertEquals("200 success", answer.asText(), "the notify answer is exactly success: " + paidAtProvider);
        }

        JsonNode failed = onlyResult(declined);
        assertResult(failed, "PAY", "FAILED", "PAY_RESPONSE");
        assertEquals(51, failed.path("code").asInt());
        assertEquals("余额不足", failed.path("msg").asText(), "UTF-8 text verified and kept");
        assertTrue(providerState(declined).path("order").isNull(), "the provider created no order");
        assertEquals(1, providerState(declined).path("payCalls").asInt());

        // JSON logs: the lines about a payment carry its order and provider request as fields
        List<JsonNode> aboutPaid = new ArrayList<>();
        for (String line : gateway.log().split("\n")) {
            if (line.startsWith("{") && line.contains(paid)) {
                aboutPaid.add(JSON.readTree(line));
            }
        }
        assertFalse(aboutPaid.isEmpty(), gateway.log());
        for (JsonNode line : aboutPaid) {
            assertEquals(paid, line.path("mdc").path("partnerOrderNo").asText(), line.toString());
        }
        assertTrue(aboutPaid.stream().anyMatch(line -> line.path("mdc").path("reqMsgId").asText()
                .equals(success.path("reqMsgId").asText())), aboutPaid.toString());
    }

    @Test
    void waitingPaymentsArePendingThenSettledByQueries() {
        String paid = OrderNumbers.next("it");
        String failed = OrderNumbers.next("it");
        String notified = OrderNumbers.next("it");
        TOPICS.kafka().pay(topic, paid, WAITING_THEN_PAID, AMOUNT);
        TOPICS.kafka().pay(topic, failed, WAITING_THEN_FAILED, AMOUNT);
        TOPICS.kafka().pay(topic, notified, WAITING_THEN_PAID_NOTIFIED, AMOUNT);
        awaitOutcome(paid, "PAY", "SUCCESS");
        awaitOutcome(failed, "PAY", "FAILED");
        awaitOutcome(notified, "PAY", "SUCCESS");
        await("both notifications answered").atMost(Duration.ofSeconds(30))
                .until(() -> providerState(notified).path("notifies").size() == 2);
        settle();

        assertEquals(List.of("PAY/PENDING/PAY_RESPONSE", "PAY/SUCCESS/QUERY"), summaries(paid));
        assertEquals(List.of("PAY/PENDING/PAY_RESPONSE", "PAY/FAILED/QUERY"), summaries(failed));
        assertMatchesProvidersOrder(results(paid).get(1), paid, 1);
        assertMatchesProvidersOrder(results(failed).get(1), failed, 2);
        List<String> notifiedOutcomes = TOPICS.results().fieldsWithKey(notified, "type", "outcome");
        assertEquals(List.of("PAY/PENDING", "PAY/SUCCESS"), notifiedOutcomes, "notified twice, raced by queries");
        assertMatchesProvidersOrder(results(notified).get(1), notified, 1);
        for (String order : List.of(paid, failed, notified)) {
            assertEquals(1, providerState(order).path("payCalls").asInt(), "paid once: " + order);
            assertEquals(WAITING_QUERIES, Collections.frequency(queryAnswers(order), "1/0"),
                    "queried while waiting, until the provider settled it: " + queryAnswers(order));
        }
    }

    @Test
    void anAnswerAfterTheTimeoutIsQueriedNotPaidAgain() {
        String order = OrderNumbers.next("it");
        TOPICS.kafka().pay(topic, order, SLOW, AMOUNT);
        awaitOutcome(order, "PAY", "SUCCESS");
        settle();

        assertEquals(List.of("PAY/SUCCESS/QUERY"), summaries(order), "nothing published for the timeout itself");
        assertMatchesProvidersOrder(results(order).get(0), order, 1);
        assertEquals(1, providerState(order).path("payCalls").asInt(), "asked, not paid again");
        assertFalse(queryAnswers(order).isEmpty());
    }

    @Test
    void aPayTheProviderNeverGotIsSentOnceMoreAfterCode30() {
        String order = OrderNumbers.next("it");
        TOPICS.kafka().pay(topic, order, LOST, AMOUNT);
        awaitOutcome(order, "PAY", "SUCCESS");
        settle();

        JsonNode success = onlyResult(order);
        assertEquals("SUCCESS", success.path("outcome").asText());
        assertMatchesProvidersOrder(success, order, 1);
        assertEquals(2, providerState(order).path("payCalls").asInt(), "exactly one re-send");
        // what the provider saw, in order: the lost pay, a query answered "no such order", the re-sent pay
        List<String> calls = providerRequests().stream().filter(line -> order.equals(line.path("partnerOrderNo")
                .asText())).map(line -> line.path("path").asText() + " " + line.path("code").asText()).toList();
        int resent = calls.lastIndexOf("/api/offline/pay 1");
        assertEquals("/api/offline/pay null", calls.get(0), calls.toString());
        assertTrue(calls.subList(1, resent).contains("/api/common/payQuery 30"), calls.toString());
        assertEquals(1, calls.stream().filter(call -> call.equals("/api/offline/pay 1")).count(), calls.toString());
    }

    /**
     * The provider paid the order but the answer claims a decline, signed with a wrong key or naming another
     * partner: believed, it would tell the till "declined" for a customer who was charged.
     */
    @ParameterizedTest
    @ValueSource(strings = {ANSWER_WRONGLY_SIGNED, ANSWER_OF_ANOTHER_PARTNER})
    void anAnswerNotVerifiedAsTheProvidersIsNotBelieved(String barcode) {
        String order = OrderNumbers.next("it");
        TOPICS.kafka().pay(topic, order, barcode, AMOUNT);
        awaitOutcome(order, "PAY", "SUCCESS");
        settle();

        assertEquals(List.of("PAY/SUCCESS/QUERY"), summaries(order), "never FAILED, settled by a query");
        assertMatchesProvidersOrder(results(order).get(0), order, 1);
        assertEquals(1, providerState(order).path("payCalls").asInt(), "asked, not paid again");
    }

    @Test
    void refundsUpToThePaidAmountRefundThePaymentOnce() {
        String order = paidOrder(PAID);
        String first = OrderNumbers.next("r-", 18);
        String second = OrderNumbers.next("r-", 18);
        TOPICS.kafka().refund(topic, order, first, 600);
        TOPICS.kafka().refund(topic, order, second, 1500);
        TOPICS.kafka().refund(topic, order, first, 600); // a repeat: answered from the ledger, never sent again
        awaitOutcome(order, "PAY", "REFUNDED");
        settle();

        List<JsonNode> firstResults = refundResults(order, first);
        assertEquals(2, firstResults.size(), "the refund and its repeat: " + firstResults);
        for (JsonNode result : firstResults) {
            assertRefund(result, first, "SUCCESS", 600);
        }
        assertRefund(refundResults(order, second).get(0), second, "SUCCESS", 1500);
        assertEquals(1, refundResults(order, second).size());
        assertEquals(List.of("PAY/SUCCESS", "PAY/REFUNDED"), TOPICS.results().fieldsWithKey(order, "type", "outcome")
                .stream().filter(summary -> summary.startsWith("PAY/")).toList());
        JsonNode refunded = results(order).stream().filter(r -> "REFUNDED".equals(r.path("outcome").asText()))
                .findFirst().orElseThrow();
        assertResult(refunded, "PAY", "REFUNDED", "REFUND_RESPONSE");
        assertEquals(3, refunded.path("status").asInt(), refunded.toString());

        JsonNode atProvider = providerState(order);
        assertEquals(3, atProvider.path("order").path("status").asInt(), "refunded at the provider: " + atProvider);
        assertEquals(600, atProvider.path("refunds").path(first).path("amount").asInt());
        assertEquals(1500, atProvider.path("refunds").path(second).path("amount").asInt());
        assertEquals(1, refundCalls(first), "the repeat was not sent");
    }

    @Test
    void aRefundAnsweredProcessingIsPendingThenUnknownAtItsDeadlineAndStaysCounted() {
        String order = paidOrder(PAID);
        String processing = OrderNumbers.next("processing-", 18);
        TOPICS.kafka().refund(topic, order, processing, 500);
        awaitRefund(order, processing, "UNKNOWN");
        String tooMuch = OrderNumbers.next("r-", 18);
        String rest = OrderNumbers.next("r-", 18);
        TOPICS.kafka().refund(topic, order, tooMuch, 1700); // 500 + 1700 > 2100: the processing refund is counted
        TOPICS.kafka().refund(topic, order, rest, 1600);
        awaitRefund(order, rest, "SUCCESS");
        settle();

        List<JsonNode> results = refundResults(order, processing);
        assertEquals(2, results.size(), results.toString());
        assertRefund(results.get(0), processing, "PENDING", 500);
        assertEquals(0, results.get(0).path("status").asInt());
        assertEquals("UNKNOWN", results.get(1).path("outcome").asText(), results.toString());
        assertEquals("REJECTED", refundResults(order, tooMuch).get(0).path("outcome").asText());
        assertEquals(0, refundCalls(tooMuch), "refused by the ledger, never sent");
        assertRefund(refundResults(order, rest).get(0), rest, "SUCCESS", 1600);
        // the provider finished the refund; the gateway cannot learn it (no refund query, no refund notify)
        JsonNode atProvider = providerState(order).path("refunds");
        assertEquals(1, atProvider.path(processing).path("status").asInt(), atProvider.toString());
        assertEquals(1, refundCalls(processing), "never sent again");
    }

    @Test
    void aRefundTheProviderRefusesIsFailedWithItsCodeAndTheRestCanStillBeRefunded() {
        String order = paidOrder(PARTLY_REFUNDED_AT_THE_PORTAL);
        String refused = OrderNumbers.next("r-", 18);
        String rest = OrderNumbers.next("r-", 18);
        // the ledger allows it; the provider knows of 1000 refunded at its portal
        TOPICS.kafka().refund(topic, order, refused, AMOUNT);
        awaitRefund(order, refused, "FAILED");
        TOPICS.kafka().refund(topic, order, rest, 1100);
        awaitRefund(order, rest, "SUCCESS");
        settle();

        JsonNode failed = refundResults(order, refused).get(0);
        assertEquals(1, refundResults(order, refused).size());
        assertEquals(42, failed.path("code").asInt(), failed.toString());
        assertEquals("退款金额超过可退金额", failed.path("msg").asText());
        assertRefund(refundResults(order, rest).get(0), rest, "SUCCESS", 1100);
        JsonNode atProvider = providerState(order).path("refunds");
        assertTrue(atProvider.path(refused).isMissingNode(), "refused, not recorded: " + atProvider);
        assertEquals(1100, atProvider.path(rest).path("amount").asInt());
    }

    @Test
    void aQueryCommandPublishesWhatTheProviderRecorded() {
        String order = paidOrder(PAID);
        String orderNo = providerState(order).path("order").path("orderNo").asText();
        String unknown = OrderNumbers.next("it");
        String another = OrderNumbers.next("it");
        TOPICS.kafka().send(topic, order, """
                {"type":"QUERY","partnerOrderNo":"%s","orderNo":"%s"}""".formatted(order, orderNo));
        TOPICS.kafka().send(topic, unknown, """
                {"type":"QUERY","partnerOrderNo":"%s"}""".formatted(unknown));
        // names another order by partnerOrderNo than by orderNo: the provider answers about the orderNo's order,
        // which is not the order this result would be keyed and read as
        TOPICS.kafka().send(topic, another, """
                {"type":"QUERY","partnerOrderNo":"%s","orderNo":"%s"}""".formatted(another, orderNo));
        awaitOutcome(order, "QUERY", "SUCCESS");
        awaitOutcome(unknown, "QUERY", "NOT_FOUND");
        awaitOutcome(another, "QUERY", "UNKNOWN");
        settle();

        JsonNode mismatch = onlyResult(another);
        assertResult(mismatch, "QUERY", "UNKNOWN", "QUERY");
        assertTrue(mismatch.path("status").isMissingNode() && mismatch.path("orderAmount").isMissingNode(),
                "nothing of the other order's answer: " + mismatch);
        assertTrue(mismatch.path("msg").asText().contains("another order"), mismatch.toString());

        JsonNode query = results(order).stream().filter(r -> "QUERY".equals(r.path("type").asText())).findFirst()
                .orElseThrow();
        assertResult(query, "QUERY", "SUCCESS", "QUERY");
        assertMatchesProvidersOrder(query, order, 1);
        JsonNode notFound = onlyResult(unknown);
        assertResult(notFound, "QUERY", "NOT_FOUND", "QUERY");
        assertEquals(30, notFound.path("code").asInt());
        // the provider looked the order up by orderNo, which it prefers when both are given
        assertTrue(providerRequests().stream().anyMatch(line -> orderNo.equals(line.path("orderNo").asText())
                && line.path("code").asInt() == 1), "queried by orderNo");
    }

    // ---- the provider's record -------------------------------------------------------------------------------

    /** The result's order fields are the provider's record of the order. */
    private static void assertMatchesProvidersOrder(JsonNode result, String order, int status) {
        JsonNode recorded = providerState(order).path("order");
        assertEquals(status, recorded.path("status").asInt(), "provider's status of " + order + ": " + recorded);
        assertEquals(status, result.path("status").asInt(), result.toString());
        assertEquals(recorded.path("orderNo").asText(), result.path("orderNo").asText(), result.toString());
        assertEquals(order, result.path("partnerOrderNo").asText());
        assertEquals(AMOUNT, recorded.path("orderAmount").asInt());
        assertEquals(AMOUNT, result.path("orderAmount").asInt(), result.toString());
        assertEquals(recorded.path("currency").asText(), result.path("currency").asText(), result.toString());
    }

    private static JsonNode providerState(String order) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(providerUrl + "/_state/" + order))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every request the provider received, as it logged it: path, order, refundNo, verdict, answered code/status. */
    private static List<JsonNode> providerRequests() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : providerLog) {
            try {
                // exactly one JSON object per line: two lines run together must fail here, not read as one
                JsonNode node = JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(line);
                if (node == null || !node.isObject()) {
                    throw new IllegalStateException("the provider printed a line that is not a JSON object: '"
                            + line + "'");
                }
                lines.add(node);
            } catch (IOException e) {
                throw new IllegalStateException("the provider printed a line that is not JSON: " + line, e);
            }
        }
        return lines;
    }

    /** "code/status" of each payQuery answer about {@code order}. */
    private static List<String> queryAnswers(String order) {
        return providerRequests().stream().filter(line -> line.path("path").asText().equals("/api/common/payQuery")
                && order.equals(line.path("partnerOrderNo").asText()))
                .map(line -> line.path("code").asText() + "/" + line.path("status").asText()).toList();
    }

    private static long refundCalls(String refundNo) {
        return providerRequests().stream().filter(line -> line.path("path").asText().equals("/api/common/refund")
                && refundNo.equals(line.path("refundNo").asText())).count();
    }

    // ---- commands and results --------------------------------------------------------------------------------

    /**
     * A paid order; for {@code PAID}, also with the provider's two notifications answered, so that what follows
     * (refunds) is not raced by a notification reporting the order as it is by then.
     */
    private static String paidOrder(String barcode) {
        String order = OrderNumbers.next("it");
        TOPICS.kafka().pay(topic, order, barcode, AMOUNT);
        awaitOutcome(order, "PAY", "SUCCESS");
        if (PAID.equals(barcode)) {
            await("the provider's notifications answered").atMost(Duration.ofSeconds(30))
                    .until(() -> providerState(order).path("notifies").size() == 2);
        }
        return order;
    }

    /** Every command sent so far committed by the gateway, and every result it published read. */
    private static void settle() {
        TOPICS.awaitSettled(group, topic);
    }

    private static void awaitOutcome(String order, String type, String outcome) {
        await(order + " " + type + " " + outcome).atMost(Duration.ofSeconds(40)).until(() -> results(order).stream()
                .anyMatch(r -> type.equals(r.path("type").asText()) && outcome.equals(r.path("outcome").asText())));
    }

    private static void awaitRefund(String order, String refundNo, String outcome) {
        await(refundNo + " " + outcome).atMost(Duration.ofSeconds(40)).until(() -> refundResults(order, refundNo)
                .stream().anyMatch(r -> outcome.equals(r.path("outcome").asText())));
    }

    private static List<JsonNode> results(String order) {
        return TOPICS.results().jsonWithKey(order);
    }

    private static JsonNode onlyResult(String order) {
        List<JsonNode> all = results(order);
        assertEquals(1, all.size(), "exactly one result for " + order + ": " + all);
        return all.get(0);
    }

    private static List<JsonNode> refundResults(String order, String refundNo) {
        return results(order).stream().filter(r -> "REFUND".equals(r.path("type").asText())
                && refundNo.equals(r.path("refundNo").asText())).toList();
    }

    /** type/outcome/source of each result of {@code order}, in the order published. */
    private static List<String> summaries(String order) {
        return TOPICS.results().fieldsWithKey(order, "type", "outcome", "source");
    }

    private static void assertResult(JsonNode result, String type, String outcome, String source) {
        assertEquals(type + "/" + outcome + "/" + source, result.path("type").asText() + "/"
                + result.path("outcome").asText() + "/" + result.path("source").asText(), result.toString());
    }

    private static void assertRefund(JsonNode result, String refundNo, String outcome, int amount) {
        assertResult(result, "REFUND", outcome, "REFUND_RESPONSE");
        assertEquals(refundNo, result.path("refundNo").asText());
        assertEquals(amount, result.path("orderAmount").asInt(), result.toString());
        if ("SUCCESS".equals(outcome)) {
            assertEquals(1, result.path("code").asInt(), result.toString());
            assertEquals(1, result.path("status").asInt(), result.toString());
        }
    }

    private static int readPortThenKeepReading(Process process, List<String> log) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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
