package com.scanforpay.gateway.testing;

import com.scanforpay.gateway.testing.KafkaTopics.Tail;
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
}
