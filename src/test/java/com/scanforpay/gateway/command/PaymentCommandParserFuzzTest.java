package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.command.ParsedCommand.Accepted;
import com.scanforpay.gateway.command.ParsedCommand.Rejected;
import com.scanforpay.gateway.command.ValidCommands.Command;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.testing.Fuzz;
import com.scanforpay.gateway.testing.HostileInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command parser is a total function of the record's bytes: whatever arrives, it answers {@link Accepted} (a
 * command within the documented limits) or {@link Rejected} (with a reason naming a field), and never throws.
 * Seeded fuzz runs ({@link Fuzz}); examples of each hostile kind, with their exact messages, are in
 * {@link PaymentCommandParserTest}.
 */
class PaymentCommandParserFuzzTest {

    private static final Partners PARTNERS = Partners.single(new Partner(Partners.DEFAULT, "10001",
            new ScanForPaySigner("a"), "https://pay.scanforpay.com"), Optional.of(ValidCommands.DEFAULT_STORE));

    /** {@code $} or a path of field names and indexes, as the parser quotes them. */
    private static final Pattern FIELD = Pattern.compile(
            "\\$|[A-Za-z_$][A-Za-z0-9_$-]*(\\.[A-Za-z_$][A-Za-z0-9_$-]*|\\[[0-9]+])*");
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x7E]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final PaymentCommandParser parser = new PaymentCommandParser(PARTNERS, 8192);
    /** Lets through to the JSON reader what Jackson's own limits would refuse (its nesting, numbers, names). */
    private final PaymentCommandParser roomy = new PaymentCommandParser(PARTNERS, 1 << 20);

    // ---- parse ----------------------------------------------------------------------------------------------------

    @Test
    void anyBytesAreAcceptedOrRejected() {
        Fuzz.classify(2000, HostileInput::bytes, value -> {
            ParsedCommand parsed = parse(parser, value);
            assertTotal(parsed);
            return reason(parsed);
        }).assertOccurred("too large", "NUL byte", "not UTF-8", "byte order mark", "not JSON");
    }

    @Test
    void mutatedCommandsAreAcceptedOrRejectedWithoutQuotingTheBarcode() {
        Fuzz.classify(2000, random -> Mutated.of(random, ValidCommands.any(random)), mutated -> {
            ParsedCommand parsed = parse(parser, mutated.value());
            assertTotal(parsed);
            String barcode = mutated.command().expected().barcode();
            // shorter barcodes could be part of a number any message may carry (2147483647, an offset, a size)
            if (parsed instanceof Rejected rejected && barcode != null && barcode.length() >= 11) {
                assertFalse(rejected.message().contains(barcode), rejected.message());
            }
            return parsed.getClass().getSimpleName();
        }).assertShareOver("Rejected", 40).assertOccurred("Accepted");
    }

    @Test
    void anyJsonIsAcceptedOrRejected() {
        Fuzz.classify(1000, HostileInput::jsonText, text -> {
            byte[] value = text.getBytes(StandardCharsets.UTF_8);
            assertTotal(parse(parser, value));
            ParsedCommand parsed = parse(roomy, value);
            assertTotal(parsed);
            return parsed instanceof Rejected rejected ? kind(rejected) : "accepted";
        }).assertOccurred("nesting", "number length", "name length", "duplicate key", "other JSON", "field");
    }

    @Test
    void validCommandsAreAcceptedWithTheSameFields() {
        Fuzz.classify(2000, ValidCommands::any, command -> {
            assertEquals(new Accepted(command.expected()), parse(parser, command.bytes()));
            return command.expected().type().name();
        }).assertOccurred("PAY", "QUERY", "REFUND");
    }

    // ---- asRefundOf -----------------------------------------------------------------------------------------------

    @Test
    void anyRefundBodyBecomesARefundOfThePathsOrderOrStaysForParseToRefuse() {
        Fuzz.classify(2000, RefundBody::of, refundBody -> {
            byte[] body = refundBody.body();
            String order = refundBody.order();
            byte[] command = assertDoesNotThrow(() -> parser.asRefundOf(order, body));
            assertTotal(parse(parser, command));
            if (command == body) {
                // not readable as an object: the parser says why, as for the JSON of a Kafka record
                Rejected rejected = assertInstanceOf(Rejected.class, parse(parser, body));
                assertTrue(Set.of(RejectionCode.INVALID_JSON, RejectionCode.TOO_LARGE).contains(rejected.code()),
                        rejected.toString());
                return "left unchanged";
            }
            JsonNode refund = readTree(command);
            assertEquals("REFUND", refund.get("type").textValue());
            assertEquals(order, refund.get("partnerOrderNo").textValue());
            return "made a refund";
        }).assertOccurred("left unchanged", "made a refund");
    }

    @Test
    void aValidRefundBodyBecomesThatRefund() {
        Fuzz.forAll(1000, random -> new PathRefund(ValidCommands.refund(random),
                ValidCommands.identifier(random, PaymentCommandParser.ORDER_NO_MAX)), pathRefund -> {
                    ObjectNode body = pathRefund.refund().json().deepCopy();
                    body.remove("partnerOrderNo");
                    body.remove("type");
                    PaymentCommand expected = pathRefund.refund().expected();
                    assertEquals(new Accepted(new PaymentCommand(CommandType.REFUND, null, pathRefund.order(), null,
                            null, expected.orderAmount(), null, expected.operatorId(), expected.terminalNo(),
                            expected.refundNo())),
                            parse(parser, parser.asRefundOf(pathRefund.order(), Command.bytes(body, false))));
                });
    }

    // ---- cases ----------------------------------------------------------------------------------------------------

    /** A valid command after 1 to 4 mutations. */
    record Mutated(Command command, byte[] value) {

        static Mutated of(Random random, Command command) {
            return new Mutated(command, HostileInput.mutate(random, command.bytes(), command.fieldNames()));
        }

        @Override
        public String toString() {
            return Fuzz.describe(value);
        }
    }

    /** A refund body (any bytes, any JSON, a mutated valid refund) and the order of the request's path. */
    record RefundBody(byte[] body, String order) {

        static RefundBody of(Random random) {
            byte[] body = switch (random.nextInt(3)) {
                case 0 -> HostileInput.bytes(random);
                case 1 -> HostileInput.jsonText(random).getBytes(StandardCharsets.UTF_8);
                default -> Mutated.of(random, ValidCommands.refund(random)).value();
            };
            String order = switch (random.nextInt(3)) {
                case 0 -> ValidCommands.identifier(random, PaymentCommandParser.ORDER_NO_MAX);
                case 1 -> HostileInput.string(random);
                default -> null;
            };
            return new RefundBody(body, order);
        }

        @Override
        public String toString() {
            return "body " + Fuzz.describe(body) + ", order " + (order == null ? "null" : Fuzz.describe(order));
        }
    }

    /** A valid refund, whose body goes to the path of {@code order}. */
    record PathRefund(Command refund, String order) {
    }

    // ---- what every answer satisfies --------------------------------------------------------------------------------

    private static ParsedCommand parse(PaymentCommandParser parser, byte[] value) {
        return assertDoesNotThrow(() -> parser.parse(value), "parse threw");
    }

    private static void assertTotal(ParsedCommand parsed) {
        assertNotNull(parsed);
        if (parsed instanceof Rejected rejected) {
            assertNotNull(rejected.code());
            assertFalse(rejected.errors().isEmpty(), "names at least one field");
            for (FieldError error : rejected.errors()) {
                assertTrue(error.field().length() <= 64 && FIELD.matcher(error.field()).matches(), error.field());
                assertFalse(error.message().isBlank(), error.field());
            }
            // it becomes a Kafka header and a log line: one line, nothing unreadable
            assertTrue(rejected.message().chars().noneMatch(Character::isISOControl), rejected.message());
            assertNull(CleanText.problem(rejected.message()), rejected.message());
            return;
        }
        assertWithinLimits(assertInstanceOf(Accepted.class, parsed).command());
    }

    /** The documented limits (docs/contract.md §3.1, docs/provider-protocol.md §4) of an accepted command of each type. */
    private static void assertWithinLimits(PaymentCommand command) {
        CommandType type = command.type();
        assertNotNull(type);
        assertIdentifier(command.partnerOrderNo(), PaymentCommandParser.ORDER_NO_MAX, type != CommandType.QUERY);
        assertIdentifier(command.orderNo(), PaymentCommandParser.ORDER_NO_MAX, false);
        assertTrue(command.partnerOrderNo() != null || command.orderNo() != null, "an order to name");
        assertIdentifier(command.storeNo(), PaymentCommandParser.STORE_NO_MAX, type != CommandType.REFUND);
        assertIdentifier(command.refundNo(), PaymentCommandParser.ORDER_NO_MAX, type == CommandType.REFUND);
        assertEquals(type == CommandType.PAY, command.barcode() != null);
        if (command.barcode() != null) {
            assertTrue(command.barcode().length() <= PaymentCommandParser.BARCODE_MAX
                    && DIGITS.matcher(command.barcode()).matches());
        }
        assertEquals(type != CommandType.QUERY, command.orderAmount() != null);
        if (command.orderAmount() != null) {
            assertTrue(command.orderAmount() > 0);
        }
        assertText(command.orderTitle(), PaymentCommandParser.TITLE_MAX);
        assertText(command.operatorId(), PaymentCommandParser.OPERATOR_MAX);
        assertText(command.terminalNo(), PaymentCommandParser.TERMINAL_MAX);
        if (type != CommandType.PAY) {
            assertNull(command.orderTitle());
        }
        if (type == CommandType.QUERY) {
            assertNull(command.operatorId());
            assertNull(command.terminalNo());
        }
    }

    private static void assertIdentifier(String value, int max, boolean required) {
        if (value == null) {
            assertFalse(required, "required");
            return;
        }
        assertTrue(value.length() <= max && IDENTIFIER.matcher(value).matches(), value);
    }

    private static void assertText(String value, int max) {
        if (value != null) {
            assertTrue(!value.isEmpty() && value.length() <= max, value);
            assertNull(CleanText.problem(value));
        }
    }

    /** Which first check of the bytes refused them, so that the run can show the generator reaches each. */
    private static String reason(ParsedCommand parsed) {
        if (!(parsed instanceof Rejected rejected)) {
            return "accepted";
        }
        String message = rejected.errors().get(0).message();
        if (rejected.code() == RejectionCode.TOO_LARGE) {
            return "too large";
        }
        if (message.contains("NUL byte")) {
            return "NUL byte";
        }
        if (message.contains("not valid UTF-8")) {
            return "not UTF-8";
        }
        if (message.contains("byte order mark")) {
            return "byte order mark";
        }
        return message.contains("not valid JSON") ? "not JSON" : "other";
    }

    /** The kind of a rejection of JSON text. */
    private static String kind(Rejected rejected) {
        String message = rejected.errors().get(0).message();
        if (message.contains("nested deeper")) {
            return "nesting";
        }
        if (message.contains("number is longer")) {
            return "number length";
        }
        if (message.contains("field name longer")) {
            return "name length";
        }
        if (message.contains("more than once")) {
            return "duplicate key";
        }
        return rejected.code() == RejectionCode.INVALID_JSON ? "other JSON" : "field";
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return ValidCommands.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
