package com.scanforpay.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.GatewayProcess;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The commands of one order are handled in order even when the packaged gateway stops, crashes or its partitions
 * move between instances: a REFUND queued behind a PAY still in flight is handled only after that PAY, and every
 * result of the order lands, in command order, on one results partition.
 */
class OrderingAcrossRestartIT {

    private static final int REFUND_AMOUNT = 600;

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    /**
     * Stopped (SIGTERM) while the PAY is in flight, its REFUND on the topic behind it: the stopping instance drains
     * the PAY (its answer let in while it drains) and starts nothing new; the REFUND is handled by the next instance
     * (or, if it was already under way, by the draining one), after the PAY's result, as the paid order it is.
     */
    @Test
    void refundBehindAPaymentInFlightAtAStopWaitsForItsOutcome() {
        // the held answer is released by the test, never timed out
        PayThenRefund commands = PayThenRefund.onPartitions(1, "120s");
        String topic = commands.topic();
        String order = commands.order();
        String refundNo = commands.refundNo();
        Map<String, String> env = commands.env();
        ScanForPaySandbox sandbox = GatewayTestStack.sandbox();

        try (GatewayProcess first = commands.startWithThePayInFlight("ordering-stop-first")) {
            first.signalTerminate();
            await("graceful shutdown under way").atMost(Duration.ofSeconds(30))
                    .until(() -> first.log().contains("is shutting down"));
            assertTrue(sandbox.held().contains(order), "still waited for while draining");
            sandbox.release(order);
            first.awaitTerminated();
        }

        try (GatewayProcess second = GatewayProcess.start("ordering-stop-second", env).awaitReady()) {
            await("the REFUND's result").atMost(Duration.ofSeconds(60))
                    .until(() -> TOPICS.results().fieldsWithKey(order, "type").contains("REFUND"));
            TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
        }
        assertPaidThenRefunded(order, refundNo, "PAY_RESPONSE");
        assertEquals(1, sandbox.payCalls(order), "paid once");
        assertEquals(1, refundCalls(order), "refunded once");
    }

    /**
     * Killed while the PAY is in flight, its REFUND on the topic behind it. After the restart the REFUND still comes
     * after the PAY, but the PAY's call died with the process: the payment is settled by the resolver's query, and
     * a refund is judged against the payment as the ledger knows it when the refund's turn comes (as for a refund
     * sent while the customer is still confirming): REJECTED, naming the order and its state, never sent. The
     * merchant's second try, after the payment's SUCCESS, is refunded. Nothing is paid or refunded twice.
     */
    @Test
    void refundBehindAPaymentCutOffByACrashIsRefusedUntilThePaymentIsSettled() {
        PayThenRefund commands = PayThenRefund.onPartitions(1, "60s");
        // the resolver asks about the cut-off PAY only after the response timeout (60 s after it was sent); the
        // restarted instance takes the redelivered REFUND well before that (session timeout 10 s + start-up)
        String topic = commands.topic();
        String order = commands.order();
        String refundNo = commands.refundNo();
        Map<String, String> env = commands.env();
        ScanForPaySandbox sandbox = GatewayTestStack.sandbox();

        try (GatewayProcess first = commands.startWithThePayInFlight("ordering-crash-first")) {
            first.kill();
        }
        assertEquals(Map.of(), PackagedGatewayIT.committedOffsets(topic), "both commands will be delivered again");

        try (GatewayProcess second = GatewayProcess.start("ordering-crash-second", env).awaitReady()) {
            await("the payment settled").atMost(Duration.ofSeconds(90))
                    .until(() -> TOPICS.results().fieldsWithKey(order, "type", "outcome").contains("PAY/SUCCESS"));
            TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
            List<String> beforeRetry = TOPICS.results().fieldsWithKey(order, "type", "outcome", "source");
            assertTrue(beforeRetry.contains("REFUND/REJECTED/VALIDATION"), beforeRetry.toString());
            JsonNode refused = TOPICS.results().jsonWithKey(order).stream()
                    .filter(result -> "REFUND".equals(result.get("type").asText())).findFirst().orElseThrow();
            assertEquals("partnerOrderNo", refused.at("/errors/0/field").asText(), refused.toString());
            assertTrue(refused.get("msg").asText().contains("not paid"), refused.toString());
            assertEquals(0, refundCalls(order), "a refused refund is never sent");

            TOPICS.kafka().refund(topic, order, refundNo, REFUND_AMOUNT); // the merchant tries again
            await("the second try's result").atMost(Duration.ofSeconds(60)).until(() -> TOPICS.results()
                    .fieldsWithKey(order, "type", "outcome").contains("REFUND/SUCCESS"));
            TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
        }
        List<Received> results = TOPICS.results().withKey(order);
        assertEquals(1, results.stream().map(Received::partition).distinct().count(), "one partition: " + results);
        List<String> inOrder = results.stream().sorted(java.util.Comparator.comparingLong(Received::offset))
                .map(Received::json).map(result -> result.get("type").asText() + "/" + result.get("outcome").asText())
                .filter(summary -> !summary.equals("PAY/PENDING")).toList();
        assertEquals("REFUND/SUCCESS", inOrder.get(inOrder.size() - 1), inOrder.toString());
        assertEquals(1, inOrder.stream().filter("PAY/SUCCESS"::equals).count(), inOrder.toString());
        assertEquals(1, sandbox.payCalls(order), "paid once: the cut-off call is queried, not repeated");
        assertEquals(1, refundCalls(order), "refunded once");
    }

    /**
     * A PAY (held at the sandbox) and its REFUND behind it, on a new commands topic, sent before any gateway starts:
     * the first instance fetches both in its first batch.
     */
    private record PayThenRefund(String topic, String order, String refundNo, Map<String, String> env) {

        /** {@code responseTimeout}: how long the gateway waits for the held answer before it asks instead. */
        static PayThenRefund onPartitions(int partitions, String responseTimeout) {
            String topic = PackagedGatewayIT.newCommandsTopic(partitions);
            String order = OrderNumbers.next("it");
            Map<String, String> env = new java.util.HashMap<>(PackagedGatewayIT.withCommandsTopic(topic));
            env.put("SCANFORPAY_RESPONSE_TIMEOUT", responseTimeout);
            PayThenRefund commands = new PayThenRefund(topic, order, "rf-" + order, env);
            TOPICS.kafka().pay(topic, order, SandboxBarcodes.HELD, 2100);
            TOPICS.kafka().refund(topic, order, commands.refundNo(), REFUND_AMOUNT);
            return commands;
        }

        /** A gateway that has sent the PAY (its answer held) and so not yet handled the REFUND. */
        GatewayProcess startWithThePayInFlight(String name) {
            GatewayProcess gateway = GatewayProcess.start(name, env).awaitReady();
            await("the PAY in flight").atMost(Duration.ofSeconds(30))
                    .until(() -> GatewayTestStack.sandbox().held().contains(order));
            assertTrue(TOPICS.results().withKey(order).isEmpty(), "the REFUND waits behind the PAY");
            return gateway;
        }
    }

    private static long refundCalls(String order) {
        return GatewayTestStack.sandbox().calls(ScanForPaySandbox.REFUND_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).count();
    }

    /**
     * A second instance joins the group while the first holds a batch open with a PAY in flight and its REFUND
     * behind it: the rebalance waits for that batch, the REFUND runs after the PAY, on the instance that ran the PAY,
     * and the orders sent after the rebalance are served, each in order, by whichever instance now holds them.
     */
    @Test
    void refundBehindAPaymentInFlightAtARebalanceWaitsForItsOutcome() {
        // the held answer is released by the test (after the second instance has started): never timed out
        PayThenRefund commands = PayThenRefund.onPartitions(3, "120s");
        String topic = commands.topic();
        String order = commands.order();
        Map<String, String> env = commands.env();
        ScanForPaySandbox sandbox = GatewayTestStack.sandbox();

        try (GatewayProcess first = commands.startWithThePayInFlight("ordering-rebalance-first")) {

            try (GatewayProcess second = GatewayProcess.start("ordering-rebalance-second", env).awaitReady()) {
                // the joining member waits for the first, whose consumer is busy with the open batch
                await("a rebalance waiting for the open batch").atMost(Duration.ofSeconds(30))
                        .until(() -> groupState() == GroupState.PREPARING_REBALANCE);
                assertTrue(TOPICS.results().withKey(order).isEmpty(), "the REFUND waits behind the PAY");
                sandbox.release(order);
                await("the rebalance done").atMost(Duration.ofSeconds(60))
                        .until(() -> groupState() == GroupState.STABLE);

                // after the rebalance: orders on every partition, each paid with a held answer, then refunded
                List<String> later = java.util.stream.IntStream.range(0, 6)
                        .mapToObj(i -> OrderNumbers.next("it")).toList();
                for (String next : later) {
                    TOPICS.kafka().pay(topic, next, SandboxBarcodes.HELD, 2100);
                    TOPICS.kafka().refund(topic, next, "rf-" + next, REFUND_AMOUNT);
                }
                await("every later REFUND's result").atMost(Duration.ofSeconds(60)).until(() -> {
                    later.forEach(sandbox::release);
                    return later.stream().allMatch(next -> TOPICS.results().fieldsWithKey(next, "type")
                            .contains("REFUND"));
                });
                TOPICS.awaitSettled(GatewayTestStack.GROUP, topic);
                assertPaidThenRefunded(order, commands.refundNo(), "PAY_RESPONSE");
                for (String next : later) {
                    assertPaidThenRefunded(next, "rf-" + next, "PAY_RESPONSE");
                }
                assertTrue(first.log().contains(order), "the first instance paid " + order);
                // the REFUND, still waiting behind the PAY when the partition was taken, may run on either
                // instance (docs/architecture.md §3): after the PAY's result, never paying again
                assertEquals(1, sandbox.payCalls(order), "paid once, whichever instance refunded it");
            }
        }
    }

    /**
     * The order's results, in the order they are on the topic: the PAY's SUCCESS (learnt from {@code paySource}),
     * then the REFUND's SUCCESS, nothing else, all on one results partition.
     */
    private static void assertPaidThenRefunded(String order, String refundNo, String paySource) {
        List<Received> results = TOPICS.results().withKey(order);
        assertEquals(1, results.stream().map(Received::partition).distinct().count(),
                "one results partition for " + order + ": " + results);
        List<JsonNode> inOrder = results.stream()
                .sorted(java.util.Comparator.comparingLong(Received::offset)).map(Received::json).toList();
        assertEquals(List.of("PAY/SUCCESS/" + paySource, "REFUND/SUCCESS/REFUND_RESPONSE"), inOrder.stream()
                .map(result -> result.get("type").asText() + "/" + result.get("outcome").asText() + "/"
                        + result.get("source").asText()).toList(), order + ": " + inOrder);
        JsonNode refund = inOrder.get(1);
        assertEquals(refundNo, refund.get("refundNo").asText(), refund.toString());
        assertEquals(REFUND_AMOUNT, refund.get("orderAmount").asInt(), refund.toString());
        assertEquals(2100, inOrder.get(0).get("orderAmount").asInt(), inOrder.get(0).toString());
    }

    private static GroupState groupState() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, GatewayTestStack.broker().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            return admin.describeConsumerGroups(List.of(GatewayTestStack.GROUP)).all().get()
                    .get(GatewayTestStack.GROUP).groupState();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe the gateway's consumer group", e);
        }
    }
}
