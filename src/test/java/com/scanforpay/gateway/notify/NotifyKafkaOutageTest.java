package com.scanforpay.gateway.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.Notifications;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With Kafka down, a notification is not taken (503) and not remembered; ScanForPay's retry then publishes it. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class NotifyKafkaOutageTest {

    private static final Notifications NOTIFY = Notifications.ofTestStack();

    @TestHTTPResource(NotifyCallbackRoute.PATH)
    URL notifyUrl;
    @Inject
    MeterRegistry meters;

    /** Opened before the outage: a result sent late by the refused attempt, during recovery, is seen too. */
    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Test
    void kafkaDownAnswers503AndTheRetryIsPublishedOnce() {
        String order = OrderNumbers.next("nt");
        byte[] notification = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);
        double retryLater = verdicts(NotifyVerdict.RETRY_LATER);

        GatewayTestStack.withBrokerDown(() -> {
            HttpResponse<String> answer = Notifications.post(notifyUrl.toString(), notification);
            assertEquals(503, answer.statusCode(), answer.body());
        });
        assertTrue(verdicts(NotifyVerdict.RETRY_LATER) - retryLater >= 1, "the refusal is counted");

        // ScanForPay calls again until it gets success
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Notifications.post(notifyUrl.toString(), notification).statusCode() == 200);
        // then a later status of the order: results of one order share a partition and the gateway's producer, so
        // anything the refused attempts left on their way to Kafka arrives before it
        assertEquals(200, Notifications.post(notifyUrl.toString(),
                NOTIFY.signed(order, OrderResult.STATUS_REFUNDED, 2100)).statusCode());
        TOPICS.results().awaitCaughtUp();

        List<JsonNode> published = TOPICS.results().jsonWithKey(order);
        assertEquals(List.of("SUCCESS/NOTIFY/2100", "REFUNDED/NOTIFY/2100"), published.stream()
                .map(result -> String.join("/", result.get("outcome").asText(), result.get("source").asText(),
                        result.get("orderAmount").asText())).toList(), "the paid notify exactly once: " + published);
    }

    private double verdicts(NotifyVerdict verdict) {
        var counter = meters.find("scanforpay.notify").tag("verdict", verdict.name().toLowerCase()).counter();
        return counter == null ? 0 : counter.count();
    }
}
