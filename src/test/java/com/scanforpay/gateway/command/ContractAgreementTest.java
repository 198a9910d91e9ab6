package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.PaymentCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.contract.MessageSchemas;
import com.scanforpay.gateway.contract.MessageSchemas.Kind;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command schema (docs/schemas) and {@link PaymentCommandParser} agree: whatever the parser accepts validates
 * (a stricter schema would make users' generated code refuse good commands), and what it refuses the schema
 * refuses, but for what JSON Schema cannot say (listed in the schema's description, and pinned below). And the
 * headers {@link DeadLetters} gives a dead letter are the documented ones. Here for the package-private helpers.
 */
class ContractAgreementTest {

    private static final Partner DEFAULT = new Partner(Partners.DEFAULT, "10001", new ScanForPaySigner("a"),
            "https://pay.example");
    private static final Partner TOKYO = new Partner("tokyo", "20002", new ScanForPaySigner("b"),
            "https://pay.example");
    /** One partner serving every store (ValidCommands' random stores are all served). */
    private static final PaymentCommandParser PARSER = new PaymentCommandParser(
            Partners.single(DEFAULT, Optional.of(ValidCommands.DEFAULT_STORE)), 8192);
    /** Stores mapped to partners: others are UNKNOWN_STORE. */
    private static final PaymentCommandParser MAPPED = new PaymentCommandParser(new Partners(DEFAULT,
            Optional.of(ValidCommands.DEFAULT_STORE), List.of(TOKYO), Map.of("200020000000001", "tokyo")), 8192);
    private static final String PAY = "{\"partnerOrderNo\":\"o-1\",\"barcode\":\"284447106610060508\","
            + "\"orderAmount\":2100";

    private static CamelContext camel;

    @BeforeAll
    static void camel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    private static ParsedCommand parse(String json) {
        return PARSER.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ParsedCommand parseMapped(String json) {
        return MAPPED.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandTheParserAcceptsValidates() {
        Random random = new Random(20261203L); // fixed: a failure names its command and repeats
        for (int i = 0; i < 3000; i++) {
            ValidCommands.Command command = ValidCommands.any(random);
            String json = new String(command.bytes(), StandardCharsets.UTF_8);
            assertInstanceOf(ParsedCommand.Accepted.class, PARSER.parse(command.bytes()), json);
            MessageSchemas.assertValid(Kind.COMMAND, json);
        }
        // the edges: a known store of another partner, null and empty optional fields, the largest amount
        assertInstanceOf(ParsedCommand.Accepted.class, parseMapped(PAY + ",\"storeNo\":\"200020000000001\"}"));
        for (String json : List.of(PAY + ",\"storeNo\":\"200020000000001\"}",
                PAY + ",\"type\":null,\"storeNo\":null,\"orderTitle\":\"\",\"operatorId\":null}",
                PAY.replace("2100", "2147483647") + ",\"orderTitle\":\"" + "\u00e9".repeat(100) + "\"}",
                "{\"type\":\"QUERY\",\"orderNo\":\"2018072518060757\",\"partnerOrderNo\":null}",
                "{\"type\":\"REFUND\",\"partnerOrderNo\":\"o-1\",\"refundNo\":\"r-1\",\"orderAmount\":1,"
                        + "\"storeNo\":[1],\"barcode\":false}")) {
            assertInstanceOf(ParsedCommand.Accepted.class, parse(json), json);
            MessageSchemas.assertValid(Kind.COMMAND, json);
        }
    }

    @Test
    void whatTheParserRefusesTheSchemaRefuses() {
        for (String json : List.of("{}", "[1]", "{\"partnerOrderNo\":\"x\"}", PAY + ",\"type\":\"CAPTURE\"}",
                PAY.replace("\"o-1\"", "\"o 1\"") + "}", PAY.replace("\"o-1\"", "\"é\"") + "}",
                PAY.replace("\"o-1\"", "\"o-1\\n\"") + "}", PAY.replace("\"o-1\"", "\"" + "o".repeat(33) + "\"") + "}",
                PAY.replace("\"o-1\"", "null") + "}", PAY.replace("2100", "0") + "}",
                PAY.replace("2100", "2147483648") + "}", PAY.replace("2100", "21.5") + "}",
                PAY.replace("2100", "\"2100\"") + "}", PAY.replace("284447106610060508", "12a") + "}",
                PAY.replace("284447106610060508", "") + "}", PAY + ",\"orderTitle\":\"a\\u0000\"}",
                PAY + ",\"terminalNo\":\"a\\u009f\"}", PAY + ",\"operatorId\":\"" + "x".repeat(21) + "\"}",
                PAY + ",\"storeNo\":\"100 1\"}", PAY + ",\"storeNo\":5}", "{\"type\":\"QUERY\"}",
                "{\"type\":\"QUERY\",\"partnerOrderNo\":null}", "{\"type\":\"QUERY\",\"orderNo\":\"a b\"}",
                "{\"type\":\"REFUND\",\"partnerOrderNo\":\"o-1\",\"orderAmount\":600}",
                "{\"type\":\"REFUND\",\"partnerOrderNo\":\"o-1\",\"refundNo\":\"r-1\"}")) {
            assertInstanceOf(ParsedCommand.Rejected.class, parse(json), json);
            MessageSchemas.assertInvalid(Kind.COMMAND, json);
        }
    }

    /** What JSON Schema cannot say (the schema's description lists it): refused by the parser only. */
    @Test
    void theSchemaSaysWhatJsonSchemaCan() {
        for (String json : List.of(PAY.replace("2100", "2100.0") + "}", PAY + ",\"orderAmount\":2100}",
                PAY + ",\"orderTitle\":\"" + "\ud83d\ude00".repeat(51) + "\"}", PAY + ",\"storeNo\":\"999\"}")) {
            assertInstanceOf(ParsedCommand.Rejected.class, parseMapped(json), json);
            MessageSchemas.assertValid(Kind.COMMAND, json);
        }
    }

    @Test
    void deadLettersCarryTheDocumentedHeaders() {
        ParsedCommand.Rejected invalid = (ParsedCommand.Rejected) parse("{\"partnerOrderNo\":\"x\"}");
        PaymentCommand command = ((ParsedCommand.Accepted) parse(PAY + "}")).command();
        List<ParsedCommand.Rejected> rejections = List.of(invalid,
                (ParsedCommand.Rejected) parse("not json"),
                (ParsedCommand.Rejected) parseMapped(PAY + ",\"storeNo\":\"9\"}"),
                DeadLetters.processingFailed(command, new IllegalStateException("row 4455667788990011 refused")),
                DeadLetters.processingFailed(command, null));
        for (ParsedCommand.Rejected rejection : rejections) {
            Exchange work = deadLetter(rejection, new byte[5000]);
            MessageSchemas.assertValidHeaders(kafkaHeaders(work));

            DeadLetters.truncate(work, 100);
            Map<String, String> cut = kafkaHeaders(work);
            assertEquals("5000", cut.get(DeadLetters.VALUE_TRUNCATED), cut.toString());
            assertEquals("2000", cut.get(DeadLetters.KEY_TRUNCATED), cut.toString());
            MessageSchemas.assertValidHeaders(cut);
        }
    }

    /** The dead letter DeadLetterRoute sends for a polled record of the commands topic. */
    private static Exchange deadLetter(ParsedCommand.Rejected rejection, byte[] value) {
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setBody(value);
        record.getMessage().setHeader(KafkaConstants.KEY, new byte[2000]);
        record.getMessage().setHeader(KafkaConstants.TOPIC, "scanforpay.payment.commands");
        record.getMessage().setHeader(KafkaConstants.PARTITION, 3);
        record.getMessage().setHeader(KafkaConstants.OFFSET, 1207L);
        record.getMessage().setHeader(KafkaConstants.TIMESTAMP, 1764763200000L);
        Exchange work = new DefaultExchange(camel);
        DeadLetters.of(work, record, rejection);
        DeadLetters.toDeadLetter(work);
        return work;
    }

    /** The headers camel-kafka's producer puts on the record: its default filter drops Camel's and kafka.*. */
    private static Map<String, String> kafkaHeaders(Exchange exchange) {
        KafkaHeaderFilterStrategy filter = new KafkaHeaderFilterStrategy();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (!filter.applyFilterToCamelHeaders(name, value, exchange)) {
                assertTrue(value instanceof String, name + " is sent as UTF-8 text: " + value);
                headers.put(name, (String) value);
            }
        });
        return headers;
    }
}
