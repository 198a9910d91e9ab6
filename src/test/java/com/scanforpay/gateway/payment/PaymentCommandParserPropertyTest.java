package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.payment.ParsedCommand.Accepted;
import com.scanforpay.gateway.payment.ParsedCommand.Rejected;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.testing.HostileInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The command parser is a total function of the record's bytes: whatever arrives, it answers {@link Accepted} (a
 * command within the documented limits) or {@link Rejected} (with a reason naming a field), and never throws.
 * Examples of each hostile kind, with their exact messages, are in {@link PaymentCommandParserTest}.
 */
class PaymentCommandParserPropertyTest {

    private static final String DEFAULT_STORE = "100010000000002";
    private static final Partners PARTNERS = Partners.single(new Partner(Partners.DEFAULT, "10001",
            new ScanForPaySigner("a"), "https://pay.scanforpay.com"), Optional.of(DEFAULT_STORE));
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** {@code $} or a path of field names and indexes, as the parser quotes them. */
    private static final Pattern FIELD = Pattern.compile(
            "\\$|[A-Za-z_$][A-Za-z0-9_$-]*(\\.[A-Za-z_$][A-Za-z0-9_$-]*|\\[[0-9]+])*");
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x7E]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final PaymentCommandParser parser = new PaymentCommandParser(PARTNERS, 8192);
    /** Lets through to the JSON reader what Jackson's own limits would refuse (its nesting, numbers, names). */
    private final PaymentCommandParser roomy = new PaymentCommandParser(PARTNERS, 1 << 20);

    // ---- parse ----------------------------------------------------------------------------------------------------

    @Property(tries = 1000)
    void anyBytesAreAcceptedOrRejected(@ForAll("bytes") byte[] value) {
        assertTotal(parse(parser, value));
    }

    @Property(tries = 1000)
    void mutatedCommandsAreAcceptedOrRejectedWithoutQuotingTheBarcode(@ForAll("commands") Command command,
            @ForAll("mutations") List<Mutation> mutations) {
        byte[] value = command.bytes();
        for (Mutation mutation : mutations) {
            value = mutation.apply(value, command.fieldNames());
        }
        ParsedCommand parsed = parse(parser, value);
        assertTotal(parsed);
        Statistics.collect(parsed.getClass().getSimpleName());
        String barcode = command.expected().barcode();
        // shorter barcodes could be part of a number any message may carry (2147483647, an offset, a size)
        if (parsed instanceof Rejected rejected && barcode != null && barcode.length() >= 11) {
            assertFalse(rejected.message().contains(barcode), rejected.message());
        }
        Statistics.coverage(coverage -> {
            coverage.check("Rejected").percentage(share -> share > 40);
            coverage.check("Accepted").count(count -> count > 0);
        });
    }

    @Property(tries = 400)
    void anyJsonIsAcceptedOrRejected(@ForAll("json") String text) {
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        assertTotal(parse(parser, value));
        ParsedCommand parsed = parse(roomy, value);
        assertTotal(parsed);
        Statistics.collect(parsed instanceof Rejected rejected ? kind(rejected) : "accepted");
        Statistics.coverage(coverage -> {
            coverage.check("nesting").count(count -> count > 0);
            coverage.check("number length").count(count -> count > 0);
            coverage.check("name length").count(count -> count > 0);
            coverage.check("duplicate key").count(count -> count > 0);
            coverage.check("field").count(count -> count > 0);
        });
    }

    @Property(tries = 1000)
    void validCommandsAreAcceptedWithTheSameFields(@ForAll("commands") Command command) {
        assertEquals(new Accepted(command.expected()), parse(parser, command.bytes()));
    }

    // ---- asRefundOf -----------------------------------------------------------------------------------------------

    @Property(tries = 500)
    void anyRefundBodyBecomesARefundOfThePathsOrderOrStaysForParseToRefuse(@ForAll("bodies") byte[] body,
            @ForAll("orderNos") String order) throws IOException {
        byte[] command = assertDoesNotThrow(() -> parser.asRefundOf(order, body));
        assertTotal(parse(parser, command));
        if (command == body) {
            // not readable as an object: the parser says why, as for the JSON of a Kafka record
            Rejected rejected = assertInstanceOf(Rejected.class, parse(parser, body));
            assertTrue(Set.of(RejectionCode.INVALID_JSON, RejectionCode.TOO_LARGE).contains(rejected.code()),
                    rejected.toString());
        } else {
            JsonNode refund = MAPPER.readTree(command);
            assertEquals("REFUND", refund.get("type").textValue());
            assertEquals(order, refund.get("partnerOrderNo").textValue());
        }
    }

    @Property(tries = 500)
    void aValidRefundBodyBecomesThatRefund(@ForAll("refunds") Command refund, @ForAll("identifiers") String order) {
        ObjectNode body = refund.json().deepCopy();
        body.remove("partnerOrderNo");
        body.remove("type");
        PaymentCommand expected = refund.expected();
        assertEquals(new Accepted(new PaymentCommand(CommandType.REFUND, null, order, null, null,
                expected.orderAmount(), null, expected.operatorId(), expected.terminalNo(), expected.refundNo())),
                parse(parser, parser.asRefundOf(order, Command.bytes(body, false))));
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

    /** The documented limits (CONTRACT.md §2, PROTOCOL.md) of an accepted command of each type. */
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

    // ---- generators -----------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> bytes() {
        return HostileInput.bytes();
    }

    @Provide
    Arbitrary<String> json() {
        return HostileInput.jsonText();
    }

    /** Refund bodies: any bytes, any JSON, valid refunds with mutations. */
    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.oneOf(HostileInput.bytes(),
                HostileInput.jsonText().map(text -> text.getBytes(StandardCharsets.UTF_8)),
                Combinators.combine(refunds(), mutations()).as((refund, mutations) -> {
                    byte[] value = refund.bytes();
                    for (Mutation mutation : mutations) {
                        value = mutation.apply(value, refund.fieldNames());
                    }
                    return value;
                }));
    }

    @Provide
    Arbitrary<String> orderNos() {
        return Arbitraries.oneOf(identifiers(), HostileInput.string(), Arbitraries.just(null));
    }

    @Provide
    Arbitrary<String> identifiers() {
        return identifier(PaymentCommandParser.ORDER_NO_MAX);
    }

    /** Valid commands of every type, with the command the parser must make of them. */
    @Provide
    Arbitrary<Command> commands() {
        return Arbitraries.oneOf(pays(), queries(), refunds());
    }

    private Arbitrary<Command> pays() {
        return Combinators.combine(Arbitraries.of("PAY", "absent", "null"),
                identifier(PaymentCommandParser.ORDER_NO_MAX),
                identifier(PaymentCommandParser.STORE_NO_MAX).optional(), barcode(),
                Arbitraries.integers().greaterOrEqual(1), text(PaymentCommandParser.TITLE_MAX).optional(),
                text(PaymentCommandParser.OPERATOR_MAX).optional(), text(PaymentCommandParser.TERMINAL_MAX).optional())
                .as((type, order, store, barcode, amount, title, operator, terminal) -> {
                    ObjectNode json = MAPPER.createObjectNode();
                    if (!type.equals("absent")) {
                        json.put("type", type.equals("PAY") ? "PAY" : null);
                    }
                    json.put("partnerOrderNo", order).put("barcode", barcode).put("orderAmount", amount);
                    store.ifPresent(value -> json.put("storeNo", value));
                    title.ifPresent(value -> json.put("orderTitle", value));
                    operator.ifPresent(value -> json.put("operatorId", value));
                    terminal.ifPresent(value -> json.put("terminalNo", value));
                    return new Command(new PaymentCommand(CommandType.PAY, store.orElse(DEFAULT_STORE), order, null,
                            barcode, amount, title.orElse(null), operator.orElse(null), terminal.orElse(null), null),
                            json);
                })
                .flatMap(this::withUnknownFields);
    }

    private Arbitrary<Command> queries() {
        Arbitrary<Optional<String>> orderNo = identifier(PaymentCommandParser.ORDER_NO_MAX).optional();
        return Combinators.combine(orderNo, orderNo, identifier(PaymentCommandParser.STORE_NO_MAX).optional())
                .as((order, providerOrder, store) -> {
                    ObjectNode json = MAPPER.createObjectNode().put("type", "QUERY");
                    String partnerOrderNo = order.orElse(providerOrder.isEmpty() ? "q1" : null);
                    if (partnerOrderNo != null) {
                        json.put("partnerOrderNo", partnerOrderNo);
                    }
                    providerOrder.ifPresent(value -> json.put("orderNo", value));
                    store.ifPresent(value -> json.put("storeNo", value));
                    return new Command(new PaymentCommand(CommandType.QUERY, store.orElse(DEFAULT_STORE),
                            partnerOrderNo, providerOrder.orElse(null), null, null, null, null, null, null), json);
                })
                .flatMap(this::withUnknownFields);
    }

    @Provide
    Arbitrary<Command> refunds() {
        return Combinators.combine(identifier(PaymentCommandParser.ORDER_NO_MAX),
                identifier(PaymentCommandParser.ORDER_NO_MAX), Arbitraries.integers().greaterOrEqual(1),
                text(PaymentCommandParser.OPERATOR_MAX).optional(), text(PaymentCommandParser.TERMINAL_MAX).optional())
                .as((order, refundNo, amount, operator, terminal) -> {
                    ObjectNode json = MAPPER.createObjectNode().put("type", "REFUND").put("partnerOrderNo", order)
                            .put("refundNo", refundNo).put("orderAmount", amount);
                    operator.ifPresent(value -> json.put("operatorId", value));
                    terminal.ifPresent(value -> json.put("terminalNo", value));
                    return new Command(new PaymentCommand(CommandType.REFUND, null, order, null, null, amount, null,
                            operator.orElse(null), terminal.orElse(null), refundNo), json);
                })
                .flatMap(this::withUnknownFields);
    }

    /** Unknown fields are ignored: the same command with some added (any scalar within the JSON limits). */
    private Arbitrary<Command> withUnknownFields(Command command) {
        Arbitrary<String> name = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12).map(text -> "x" + text);
        Arbitrary<String> value = HostileInput.scalar().filter(json -> json.startsWith("\"")
                || json.length() <= PaymentCommandParser.MAX_NUMBER_LENGTH);
        return Combinators.combine(name, value).as((field, json) -> new String[] {field, json})
                .list().ofMaxSize(3).map(fields -> {
                    ObjectNode json = command.json().deepCopy();
                    for (String[] field : fields) {
                        json.set(field[0], readTree(field[1]));
                    }
                    return new Command(command.expected(), json);
                });
    }

    private static Arbitrary<String> identifier(int max) {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(max);
    }

    private static Arbitrary<String> barcode() {
        return Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(PaymentCommandParser.BARCODE_MAX);
    }

    /** Free text without control characters: any BMP characters but surrogates, and supplementary ones as pairs. */
    private static Arbitrary<String> text(int max) {
        Arbitrary<String> character = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofLength(1),
                Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofLength(1),
                Arbitraries.strings().withCharRange('\ue000', '\uffff').ofLength(1),
                Arbitraries.integers().between(0x10000, 0x10FFFF).map(Character::toString));
        return character.list().ofMinSize(1).ofMaxSize(max).map(parts -> String.join("", parts))
                .filter(text -> text.length() <= max);
    }

    private static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("generated scalars are JSON: " + json, e);
        }
    }

    /** A valid command as JSON, with the command the parser must make of it. */
    record Command(PaymentCommand expected, ObjectNode json) {

        byte[] bytes() {
            return bytes(json, expected.partnerOrderNo() != null && expected.partnerOrderNo().hashCode() % 2 == 0);
        }

        static byte[] bytes(ObjectNode json, boolean pretty) {
            try {
                return pretty ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json)
                        : MAPPER.writeValueAsBytes(json);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        List<String> fieldNames() {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = json.fieldNames(); it.hasNext();) {
                names.add(it.next());
            }
            return names;
        }
    }

    // ---- mutations ------------------------------------------------------------------------------------------------

    /** One change to a value's bytes; {@code at} and {@code value} pick where and what. */
    record Mutation(Kind kind, int at, int value) {

        enum Kind { FLIP_BIT, TRUNCATE, INSERT, DELETE, DUPLICATE_KEY }

        /** What an insertion puts in: bytes that end strings, open or close containers, or are not UTF-8. */
        private static final byte[] INSERTED = {0, '"', '[', ']', '{', '}', ',', ':', '\\', ' ', 'x', '0',
                (byte) 0xFF, (byte) 0xC3, (byte) 0xED, (byte) 0x80};

        byte[] apply(byte[] original, List<String> fieldNames) {
            int length = original.length;
            return switch (kind) {
                case FLIP_BIT -> {
                    byte[] flipped = original.clone();
                    if (length > 0) {
                        flipped[at % length] ^= (byte) (1 << (value % 8));
                    }
                    yield flipped;
                }
                case TRUNCATE -> Arrays.copyOf(original, at % (length + 1));
                case INSERT -> insert(original, at % (length + 1), new byte[] {INSERTED[value % INSERTED.length]});
                case DELETE -> {
                    if (length == 0) {
                        yield original;
                    }
                    int position = at % length;
                    byte[] shorter = Arrays.copyOf(original, length - 1);
                    System.arraycopy(original, position + 1, shorter, position, length - position - 1);
                    yield shorter;
                }
                case DUPLICATE_KEY -> {
                    int brace = indexOf(original, (byte) '{');
                    if (brace < 0 || fieldNames.isEmpty()) {
                        yield original;
                    }
                    String member = "\"" + fieldNames.get(value % fieldNames.size()) + "\":"
                            + List.of("1", "\"x\"", "null", "{}").get(at % 4) + ",";
                    yield insert(original, brace + 1, member.getBytes(StandardCharsets.UTF_8));
                }
            };
        }

        private static byte[] insert(byte[] original, int position, byte[] inserted) {
            byte[] longer = new byte[original.length + inserted.length];
            System.arraycopy(original, 0, longer, 0, position);
            System.arraycopy(inserted, 0, longer, position, inserted.length);
            System.arraycopy(original, position, longer, position + inserted.length, original.length - position);
            return longer;
        }

        private static int indexOf(byte[] bytes, byte wanted) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == wanted) {
                    return i;
                }
            }
            return -1;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.of(Mutation.Kind.class), Arbitraries.integers().between(0, 100_000),
                Arbitraries.integers().between(0, 1000)).as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }
}
