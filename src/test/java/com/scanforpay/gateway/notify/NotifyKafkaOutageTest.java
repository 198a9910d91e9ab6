package com.scanforpay.gateway.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics;
import com.scanforpay.gateway.testing.KafkaTopics.Tail;
import com.scanforpay.gateway.testing.Notifications;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With Kafka down, a notification is not taken (503) and not remembered; ScanForPay's retry then publishes it. */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class NotifyKafkaOutageTest {

    private static final Notifications NOTIFY = Notifications.ofTestStack();

    @TestHTTPResource(NotifyCallbackRoute.PATH)
    URL notifyUrl;

    @Test
    void kafkaDownAnswers503AndTheRetryIsPublished() {
        String order = NotifyCallbackTest.newOrderNo();
        byte[] notification = NOTIFY.signed(order, OrderResult.STATUS_PAID, 2100);

        GatewayTestStack.withBrokerDown(() -> {
            HttpResponse<String> answer = Notifications.post(notifyUrl.toString(), notification);
            assertEquals(503, answer.statusCode(), answer.body());
        });

        try (KafkaTopics kafka = new KafkaTopics(GatewayTestStack.broker().bootstrapServers())) {
            Tail results = kafka.tail(GatewayTestStack.RESULTS);
            // ScanForPay calls again until it gets success
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Notifications.post(notifyUrl.toString(), notification).statusCode() == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> !results.withKey(order).isEmpty());
            assertEquals(1, results.withKey(order).size());
            assertEquals(true, results.withKey(order).get(0).value().contains("\"outcome\":\"SUCCESS\""));
        }
    }
}
