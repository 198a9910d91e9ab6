package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.PaymentCommand;

import com.scanforpay.gateway.command.ParsedCommand.Rejected;
import com.scanforpay.gateway.provider.Masking;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Shapes a command that can never succeed as sent into its dead letter (docs/contract.md §4): the record's original key
 * and value bytes, the reason and the record's place in headers, and the key that makes writing it happen once.
 */
final class DeadLetters {

    static final String ORIGINAL_VALUE = "scanforpay.originalValue";
    static final String ERROR_CODE = "scanforpay-error-code";
    static final String ERROR_MESSAGE = "scanforpay-error-message";
    static final String SOURCE_TOPIC = "scanforpay-source-topic";
    static final String SOURCE_PARTITION = "scanforpay-source-partition";
    static final String SOURCE_OFFSET = "scanforpay-source-offset";
    /** Set (to the original length) on a dead letter whose value had to be cut to fit the dead-letter topic. */
    static final String VALUE_TRUNCATED = "scanforpay-value-truncated";
    /** Likewise for its key. */
    static final String KEY_TRUNCATED = "scanforpay-key-truncated";
    /** The most of a record's key a cut dead letter keeps. */
    static final int MAX_KEPT_KEY = 1024;
    /** Exchange property, true once the record's dead letter is on Kafka (written now, or before). */
    static final String WRITTEN = "scanforpay.deadLetterWritten";
    /** Exchange property: the dead letter's key in the {@code dead-letters} repository. */
    static final String KEY = "scanforpay.deadLetterKey";

    private static final List<String> RECORD_HEADERS = List.of(KafkaConstants.KEY, KafkaConstants.TOPIC,
            KafkaConstants.PARTITION, KafkaConstants.OFFSET, KafkaConstants.TIMESTAMP);
    /**
     * A number of 10 to 24 digits standing alone in a failure's message may be a payment code (or a buyer id): masked
     * like a barcode. Digits inside a longer token (an order number such as {@code p20180725180605466813}) stay.
     */
    private static final Pattern DIGIT_RUN = Pattern.compile("(?<![A-Za-z0-9_-])[0-9]{10,24}(?![A-Za-z0-9_-])");
    private static final int MAX_REASON = 300;

    private DeadLetters() {
    }

    /** Puts on {@code work} what its dead letter needs of the polled {@code record}, and {@code rejection} as body. */
    static void of(Exchange work, Exchange record, Rejected rejection) {
        work.getMessage().setBody(rejection);
        work.getMessage().setHeader(ORIGINAL_VALUE, record.getMessage().getBody(byte[].class));
        for (String header : RECORD_HEADERS) {
            work.getMessage().setHeader(header, record.getMessage().getHeader(header));
        }
    }

    /**
     * The rejection of a valid command whose processing failed (not an outage): code PROCESSING_FAILED; a null
     * {@code failure} is one that failed when its batch was delivered before.
     */
    static Rejected processingFailed(PaymentCommand command, Throwable failure) {
        String reason = failure == null ? "processing failed when it was delivered before (see its dead letter)"
                : "processing failed: " + describe(failure);
        return new Rejected(RejectionCode.PROCESSING_FAILED, List.of(new FieldError("$", reason)), command.type(),
                command.partnerOrderNo(), command.refundNo());
    }

    /**
     * Replaces the message with the dead letter and sets its key ({@link #keyOf}). The {@link Rejected} stays
     * available as an exchange property.
     */
    static void toDeadLetter(Exchange exchange) {
        Message message = exchange.getMessage();
        Rejected rejection = message.getBody(Rejected.class);
        exchange.setProperty(Rejected.class.getName(), rejection);
        Object key = message.getHeader(KafkaConstants.KEY);
        byte[] value = message.getHeader(ORIGINAL_VALUE, byte[].class);
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        String partition = message.getHeader(KafkaConstants.PARTITION, String.class);
        String offset = message.getHeader(KafkaConstants.OFFSET, String.class);
        exchange.setProperty(KEY, keyOf(message));
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

    /**
     * The key of a record's dead letter: its topic, partition, offset and timestamp (a topic created anew reuses
     * offsets, never with the same timestamp). {@code record} is the polled record's message, or one carrying its
     * headers.
     */
    static String keyOf(Message record) {
        return record.getHeader(KafkaConstants.TOPIC, String.class) + "/"
                + record.getHeader(KafkaConstants.PARTITION, String.class) + "/"
                + record.getHeader(KafkaConstants.OFFSET, String.class) + "/"
                + record.getHeader(KafkaConstants.TIMESTAMP, String.class);
    }

    /**
     * Cuts the dead letter's value to {@code maxBytes} and its key to {@link #MAX_KEPT_KEY} bytes, saying so in
     * headers (the original lengths), when the topic refuses it whole.
     */
    static void truncate(Exchange exchange, int maxBytes) {
        Message message = exchange.getMessage();
        byte[] value = message.getBody(byte[].class);
        if (value != null && value.length > maxBytes) {
            message.setHeader(VALUE_TRUNCATED, String.valueOf(value.length));
            message.setBody(Arrays.copyOf(value, maxBytes));
        }
        if (message.getHeader(KafkaConstants.KEY) instanceof byte[] key && key.length > MAX_KEPT_KEY) {
            message.setHeader(KEY_TRUNCATED, String.valueOf(key.length));
            message.setHeader(KafkaConstants.KEY, Arrays.copyOf(key, MAX_KEPT_KEY));
        }
    }

    static Rejected rejection(Exchange exchange) {
        return exchange.getProperty(Rejected.class.getName(), Rejected.class);
    }

    /**
     * A failure as a person reads it: its class and message, and its root cause's, digit runs masked, on one line
     * and cut to a sane length.
     */
    static String describe(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) {
            root = root.getCause();
        }
        String text = classAndMessage(failure) + (root == failure ? "" : " (cause: " + classAndMessage(root) + ")");
        Matcher digits = DIGIT_RUN.matcher(text);
        StringBuilder masked = new StringBuilder();
        while (digits.find()) {
            digits.appendReplacement(masked, Matcher.quoteReplacement(Masking.barcode(digits.group())));
        }
        digits.appendTail(masked);
        String oneLine = masked.toString().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON) + "…";
    }

    private static String classAndMessage(Throwable failure) {
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
}
