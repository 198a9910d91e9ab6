package com.scanforpay.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.scanforpay.gateway.testing.KafkaTopics.Tail;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's view of the stack's topics, opened before its tests and closed after them:
 * {@code @RegisterExtension static final StackTopics TOPICS = new StackTopics();}. The results and dead-letter
 * tails record from the moment the class starts, so earlier classes' records are not seen.
 */
public final class StackTopics implements BeforeAllCallback, AfterAllCallback {

    private KafkaTopics kafka;
    private Tail results;
    private Tail deadLetters;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = new KafkaTopics(GatewayTestStack.broker().bootstrapServers());
        results = kafka.tail(GatewayTestStack.RESULTS);
        deadLetters = kafka.tail(GatewayTestStack.DLQ);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kafka.close();
    }

    public KafkaTopics kafka() {
        return kafka;
    }

    public Tail results() {
        return results;
    }

    public Tail deadLetters() {
        return deadLetters;
    }

    /** Sends {@code command} to the stack's commands topic, under {@code key}. */
    public void send(String key, String command) {
        kafka.send(GatewayTestStack.COMMANDS, key, command);
    }

    /** Sends {@link Commands#pay(String, String, int)} to the stack's commands topic, under the order. */
    public void pay(String order, String barcode, int amount) {
        send(order, Commands.pay(order, barcode, amount));
    }

    /** Sends {@link Commands#refund(String, String, int)} to the stack's commands topic, under the order. */
    public void refund(String order, String refundNo, int amount) {
        send(order, Commands.refund(order, refundNo, amount));
    }

    /**
     * Waits until everything sent so far has been handled: the gateway's consumer group ({@code group}) has
     * committed every record on {@code commandsTopic} (so each command's results were acknowledged before), and the
     * results and dead-letter tails have read everything on their topics. Counting after this counts everything,
     * not just what arrived first.
     */
    public void awaitSettled(String group, String commandsTopic) {
        kafka.awaitConsumed(group, commandsTopic);
        results.awaitCaughtUp();
        deadLetters.awaitCaughtUp();
    }

    /** {@link #awaitSettled(String, String)} for the application under test in this JVM and the stack's topic. */
    public void awaitSettled() {
        awaitSettled(GatewayTestStack.GROUP, GatewayTestStack.COMMANDS);
    }

    /**
     * {@link #awaitSettled()}, and the shared sandbox has no notification left to deliver or retry: nothing of
     * earlier tests (the sandbox serves every class of the JVM) reaches the notify endpoint while a test counts.
     */
    public void awaitQuiet() {
        awaitSettled();
        Awaitility.await("the sandbox's notifications delivered")
                .atMost(Duration.ofSeconds(60))
                .until(() -> GatewayTestStack.sandbox().notificationsUnderway() == 0);
    }

    /**
     * The one result under {@code key}, read after {@link #awaitSettled()}: fails if there is none or more than one.
     */
    public JsonNode onlyResult(String key) {
        awaitSettled();
        List<JsonNode> all = results.jsonWithKey(key);
        Assertions.assertEquals(1, all.size(), "exactly one result for " + key + ": " + all);
        return all.get(0);
    }

    /** {@link #onlyResult(String)}, once a result under {@code key} has arrived (waiting up to {@code wait}). */
    public JsonNode awaitOnlyResult(String key, Duration wait) {
        results.awaitWithKey(key, 1, wait);
        return onlyResult(key);
    }
}
