package com.scanforpay.gateway.providercall;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;

import static com.scanforpay.gateway.testing.GatewayTestStack.COMMANDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxCall;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A provider at its worst: answering only at the response timeout, and one connection for everything. The consumer
 * keeps polling while commands of one order queue behind each other for longer than Kafka's poll interval (no
 * eviction, no command run twice), and a call that cannot get a connection in
 * time is never sent, counts as inconclusive and is settled by a query, never paid twice.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(ProviderLimitsTest.SlowProvider.class)
class ProviderLimitsTest {

    private static final String GROUP = "scanforpay-gateway";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(30);
    /** Each takes the whole response timeout (2 s): together longer than the poll interval. */
    private static final int SLOW_QUERIES = 18;

    /** A poll interval shorter than the commands of one order take together. */
    public static class SlowProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scanforpay.notify-url", "",
                    "scanforpay.connect-timeout", "300ms",
                    "scanforpay.max-connections", "1",
                    "scanforpay.publish-timeout", "1s",
                    "scanforpay.idempotency.claim-lease", "2s",
                    "scanforpay.consumer.max-poll-interval", MAX_POLL_INTERVAL.toMillis() + "ms");
        }
    }

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    MeterRegistry meters;
    @Inject
    PaymentLedger ledger;
    @Inject
    ProviderCalls providerCalls;
    @Inject
    CamelContext camel;

    @Test
    void commandsOfOneOrderQueuedBehindAProviderAnsweringAtTheTimeoutNeverGetTheInstanceEvicted() throws Exception {
        String order = OrderNumbers.next("pl");
        payAtTheProvider(order, SandboxBarcodes.WAITING_SLOW_QUERIES);
        TOPICS.kafka().awaitConsumed(GROUP, COMMANDS);
        Set<String> membersBefore = members();

        for (int i = 0; i < SLOW_QUERIES; i++) {
            TOPICS.kafka().send(COMMANDS, order, "{\"type\":\"QUERY\",\"partnerOrderNo\":\"" + order + "\"}");
        }
        await().atMost(WAIT).until(() -> TOPICS.results().withKey(order).size() >= SLOW_QUERIES);
        TOPICS.awaitSettled(GROUP, COMMANDS);

        List<String> queries = TOPICS.results().fieldsWithKey(order, "type", "outcome").stream()
                .filter(result -> result.startsWith("QUERY/")).toList();
        assertEquals(SLOW_QUERIES, queries.size(), "each query answered once, none run twice: " + queries);
        assertTrue(queries.stream().allMatch("QUERY/UNKNOWN"::equals), queries.toString());
        assertEquals(SLOW_QUERIES, GatewayTestStack.sandbox().calls(ScanForPaySandbox.QUERY_PATH).stream()
                .filter(call -> order.equals(call.partnerOrderNo())).count());
        assertEquals(membersBefore, members(), "the same consumer all along: never taken out of the group");
    }

    @Test
    void aPayThatGetsNoConnectionInTimeIsNeverSentQueriedAndSentOnce() throws Exception {
        String holding = OrderNumbers.next("pl");
        String waiting = OrderNumbers.next("pl");
        double noConnection = providerErrors("no_connection");
        // one batch: the first takes the one connection (its answer comes only after the response timeout), the
        // second waits for it
        camel.getRouteController().stopRoute("payment-commands");
        TOPICS.kafka().send(COMMANDS, holding, Commands.pay(holding, SandboxBarcodes.SLOW, 100));
        TOPICS.kafka().send(COMMANDS, holding, Commands.pay(waiting, SandboxBarcodes.PAID, 100));
        camel.getRouteController().startRoute("payment-commands");

        await().atMost(WAIT).until(() -> !TOPICS.results().withKey(waiting).isEmpty()
                && !TOPICS.results().withKey(holding).isEmpty());
        TOPICS.awaitSettled(GROUP, COMMANDS);

        assertEquals(List.of("SUCCESS/PAY_RESPONSE"), TOPICS.results().fieldsWithKey(waiting, "outcome", "source"),
                "settled by the pay sent again, once the provider said it had no such order");
        assertEquals(2, ledger.find(waiting).orElseThrow().payAttempts());
        List<SandboxCall> calls = GatewayTestStack.sandbox().calls().stream()
                .filter(call -> waiting.equals(call.partnerOrderNo())).toList();
        assertEquals(List.of(ScanForPaySandbox.QUERY_PATH, ScanForPaySandbox.PAY_PATH),
                calls.stream().map(SandboxCall::path).distinct().toList(),
                "the first pay never reached the provider: it was asked, then paid once");
        assertEquals(1, GatewayTestStack.sandbox().payCalls(waiting));
        assertTrue(providerErrors("no_connection") > noConnection, "counted as a call without a connection");
        assertEquals(List.of("SUCCESS/QUERY"), TOPICS.results().fieldsWithKey(holding, "outcome", "source"));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(holding));
    }

    /**
     * Pays straight at the sandbox (an order paid through another system): the gateway's ledger and resolver know
     * nothing of it, so only the commands ask the provider about it.
     */
    private void payAtTheProvider(String order, String barcode) throws Exception {
        ProviderRequest pay = providerCalls.request(new PaymentCommand(CommandType.PAY, GatewayTestStack.STORE_NO, order,
                null, barcode, 100, null, null, null, null));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(pay.baseUrl() + pay.path())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(pay.envelope().bytes())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
    }

    private Set<String> members() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, GatewayTestStack.broker().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            return admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).members().stream()
                    .map(MemberDescription::consumerId).collect(Collectors.toSet());
        }
    }


    private double providerErrors(String kind) {
        return meters.find("scanforpay.provider.errors").tag("kind", kind).counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
