package com.scanforpay.gateway.logging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The log lines about a payment carry its partnerOrderNo and the provider request's reqMsgId as MDC fields,
 * whichever thread logs them: the Kafka batch, the provider answer pool, the resolver, the publishing pool.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class PaymentLogLinesTest {

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) {
                ext.copyMdc(); // the MDC of the logging thread, taken now
                records.add(ext);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void everyLineAboutAPaymentNamesItsOrderAndTheRequest() {
        String order = OrderNumbers.next("log");
        // waiting, then paid: the pay call, PENDING, the resolver's query and SUCCESS, on different threads
        TOPICS.pay(order, SandboxBarcodes.WAITING_THEN_PAID, 2100);
        await().atMost(Duration.ofSeconds(20)).until(() -> outcomes(order).contains("SUCCESS"));
        // the same order number with another amount: refused, and logged as such
        TOPICS.pay(order, SandboxBarcodes.WAITING_THEN_PAID, 2500);
        await().atMost(Duration.ofSeconds(20)).until(() -> outcomes(order).contains("REJECTED"));

        List<ExtLogRecord> aboutTheOrder = records.stream()
                .filter(record -> String.valueOf(record.getFormattedMessage()).contains(order)).toList();
        assertTrue(aboutTheOrder.size() >= 4, "published PENDING, SUCCESS, REJECTED; refused: " + aboutTheOrder.size());
        for (ExtLogRecord record : aboutTheOrder) {
            assertEquals(order, record.getMdc(PaymentLogContext.PARTNER_ORDER_NO), record.getFormattedMessage());
        }
        assertTrue(aboutTheOrder.stream().anyMatch(record -> record.getFormattedMessage().startsWith("PAY " + order
                + " refused")), "the refusal is among them");

        JsonNode success = TOPICS.results().jsonWithKey(order).stream()
                .filter(result -> "SUCCESS".equals(result.get("outcome").asText())).findFirst().orElseThrow();
        String queryRequest = success.get("reqMsgId").asText();
        assertFalse(queryRequest.isEmpty());
        assertTrue(aboutTheOrder.stream().anyMatch(record -> record.getFormattedMessage().contains("SUCCESS")
                && queryRequest.equals(record.getMdc(PaymentLogContext.REQ_MSG_ID))),
                "the SUCCESS line names the query that learnt it");
    }

    private static List<String> outcomes(String order) {
        return TOPICS.results().fieldsWithKey(order, "outcome");
    }
}
