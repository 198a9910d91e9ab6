package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.payment.ParsedCommand.Rejected;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/** Shapes a rejected command into its dead letter (CONTRACT.md §4): original key and value bytes, reason headers. */
final class DeadLetters {

    static final String ORIGINAL_VALUE = "scanforpay.originalValue";
    static final String ERROR_CODE = "scanforpay-error-code";
    static final String ERROR_MESSAGE = "scanforpay-error-message";
    static final String SOURCE_TOPIC = "scanforpay-source-topic";
    static final String SOURCE_PARTITION = "scanforpay-source-partition";
    static final String SOURCE_OFFSET = "scanforpay-source-offset";

    private DeadLetters() {
    }

    /** Replaces the message with the dead letter; the {@link Rejected} stays available as the exchange property. */
    static void toDeadLetter(Exchange exchange) {
        Message message = exchange.getMessage();
        Rejected rejection = message.getBody(Rejected.class);
        exchange.setProperty(Rejected.class.getName(), rejection);
        Object key = message.getHeader(KafkaConstants.KEY);
        byte[] value = message.getHeader(ORIGINAL_VALUE, byte[].class);
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        String partition = message.getHeader(KafkaConstants.PARTITION, String.class);
        String offset = message.getHeader(KafkaConstants.OFFSET, String.class);
        message.getHeaders().clear();
        message.setBody(value);
        if (key != null) {
            message.setHeader(KafkaConstants.KEY, key);
        }
        message.setHeader(ERROR_CODE, rejection.code().name());
        message.setHeader(ERROR_MESSAGE, rejection.message());
        message.setHeader(SOURCE_TOPIC, topic);
        message.setHeader(SOURCE_PARTITION, partition);
        message.setHeader(SOURCE_OFFSET, offset);
    }

    static Rejected rejection(Exchange exchange) {
        return exchange.getProperty(Rejected.class.getName(), Rejected.class);
    }
}
