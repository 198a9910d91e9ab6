package com.scanforpay.gateway.command;

import static com.scanforpay.gateway.testing.GatewayTestStack.COMMANDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.KafkaTopics.Received;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import com.scanforpay.gateway.testing.WithoutNotifyUrl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Any bytes on the commands topic: each hostile record is dead-lettered exactly once with its reason, and never
 * holds back the valid payment right behind it on the same partition.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
@TestProfile(WithoutNotifyUrl.class)
class HostileCommandsTest {

    private static final String GROUP = "scanforpay-gateway";

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    MeterRegistry meters;

    @Test
    void everyHostileRecordIsDeadLetteredOnceAndTheValidPaymentBehindItIsPaid() {
        String order = OrderNumbers.next("h");
        List<Hostile> records = kinds(order);
        double heldBefore = redelivered("outage");

        List<String> payments = new ArrayList<>();
        for (Hostile record : records) {
            // one record key for all: the same partition, each valid payment right behind a hostile record
            TOPICS.kafka().send(COMMANDS, utf8(order), record.value());
            String payment = OrderNumbers.next("h");
            payments.add(payment);
            TOPICS.kafka().send(COMMANDS, utf8(order), utf8(Commands.pay(payment, SandboxBarcodes.PAID, 100)));
        }
        TOPICS.awaitSettled(GROUP, COMMANDS);

        for (String payment : payments) {
            assertEquals(List.of("SUCCESS/PAY_RESPONSE"), TOPICS.results().fieldsWithKey(payment, "outcome", "source"),
                    payment);
            assertEquals(1, GatewayTestStack.sandbox().payCalls(payment), payment);
        }
        List<Received> deadLetters = TOPICS.deadLetters().withKey(order);
        assertEquals(records.size(), deadLetters.size(), "one dead letter per hostile record, none twice: "
                + deadLetters.stream().map(Received::headers).toList());
        for (Hostile record : records) {
            // dead letters of records without an order number are written concurrently: found by their bytes
            Received letter = deadLetters.stream().filter(r -> Arrays.equals(record.value(), r.valueBytes()))
                    .findFirst().orElseThrow(() -> new AssertionError("no dead letter for " + record));
            assertEquals(record.code(), letter.headers().get("scanforpay-error-code"), record.name());
            assertTrue(letter.headers().get("scanforpay-error-message").length() > 0, record.name());
            assertEquals(order, letter.key(), "the record's own key");
            assertEquals(COMMANDS, letter.headers().get("scanforpay-source-topic"));
        }
        assertEquals(heldBefore, redelivered("outage"), "no batch was held back and delivered again");
    }

    /** The hostile kinds, each with the dead letter's code. */
    private static List<Hostile> kinds(String order) {
        return List.of(
                new Hostile("not UTF-8", "INVALID_JSON", new byte[] {'{', '"', 'a', '"', ':', (byte) 0xC3, '}'}),
                new Hostile("a NUL byte", "INVALID_JSON", utf8("{\"partnerOrderNo\":\"a\0b\"}")),
                new Hostile("empty", "INVALID_JSON", new byte[0]),
                new Hostile("a tombstone", "INVALID_JSON", null),
                new Hostile("nested 1,500 deep", "INVALID_JSON", utf8("[".repeat(1500) + "]".repeat(1500))),
                new Hostile("a number of 1,001 digits", "INVALID_JSON",
                        utf8("{\"orderAmount\":" + "9".repeat(1001) + "}")),
                new Hostile("a field name of 50,001 characters", "TOO_LARGE",
                        utf8("{\"" + "n".repeat(50_001) + "\":1}")),
                new Hostile("a duplicate key", "INVALID_JSON", utf8("{\"partnerOrderNo\":\"" + order
                        + "-d\",\"partnerOrderNo\":\"x\",\"barcode\":\"1\",\"orderAmount\":1}")),
                new Hostile("an array", "INVALID_JSON", utf8("[1,2,3]")),
                new Hostile("a string", "INVALID_JSON", utf8("\"PAY\"")),
                new Hostile("trailing content", "INVALID_JSON",
                        utf8(Commands.pay(order + "-t", SandboxBarcodes.PAID, 100) + " {}")),
                new Hostile("100 KB", "TOO_LARGE", utf8(Commands.pay(order + "-l", SandboxBarcodes.PAID, 100)
                        .replace("}", ",\"orderTitle\":\"" + "x".repeat(100_000) + "\"}"))),
                new Hostile("control characters in a text", "INVALID_FIELD",
                        utf8(Commands.pay(order + "-c", SandboxBarcodes.PAID, 100)
                                .replace("}", ",\"orderTitle\":\"tab\\u0009and\\u0000nul\"}"))),
                new Hostile("UTF-16", "INVALID_JSON", Commands.pay(order + "-u", SandboxBarcodes.PAID, 100)
                        .getBytes(StandardCharsets.UTF_16)));
    }

    private record Hostile(String name, String code, byte[] value) {
        @Override
        public String toString() {
            return name + " " + Arrays.toString(value == null ? null : Arrays.copyOf(value, Math.min(20, value.length)));
        }
    }

    private double redelivered(String reason) {
        Counter counter = meters.find("scanforpay.commands.redelivered").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
