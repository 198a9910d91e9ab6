package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;

import static com.scanforpay.gateway.testing.Fuzz.between;
import static com.scanforpay.gateway.testing.Fuzz.chars;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scanforpay.gateway.testing.Fuzz;
import com.scanforpay.gateway.testing.HostileInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generators of valid commands of every type (docs/contract.md §3.1), each with the command the parser must make of it:
 * fields at every length within their limits, optional ones present or not, and unknown fields, which are ignored.
 * Here rather than in {@code testing}: the limits are the parser's package-private constants.
 */
final class ValidCommands {

    static final String DEFAULT_STORE = "100010000000002";
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ValidCommands() {
    }

    /** A valid command as JSON, with the command the parser must make of it. */
    record Command(PaymentCommand expected, ObjectNode json, boolean pretty) {

        byte[] bytes() {
            return bytes(json, pretty);
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

        @Override
        public String toString() {
            return Fuzz.describe(bytes());
        }
    }

    /** A PAY, QUERY or REFUND command. */
    static Command any(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> pay(random);
            case 1 -> query(random);
            default -> refund(random);
        };
    }

    /** A PAY command; its type is "PAY", null or absent (PAY is the default). */
    static Command pay(Random random) {
        String type = Fuzz.pick(random, "PAY", "absent", "null");
        String order = identifier(random, PaymentCommandParser.ORDER_NO_MAX);
        String store = optional(random, r -> identifier(r, PaymentCommandParser.STORE_NO_MAX));
        String barcode = chars(random, '0', '9', 1, PaymentCommandParser.BARCODE_MAX);
        int amount = Fuzz.positive(random);
        String title = optional(random, r -> text(r, PaymentCommandParser.TITLE_MAX));
        String operator = optional(random, r -> text(r, PaymentCommandParser.OPERATOR_MAX));
        String terminal = optional(random, r -> text(r, PaymentCommandParser.TERMINAL_MAX));
        ObjectNode json = MAPPER.createObjectNode();
        if (!type.equals("absent")) {
            json.put("type", type.equals("PAY") ? "PAY" : null);
        }
        json.put("partnerOrderNo", order).put("barcode", barcode).put("orderAmount", amount);
        putIfPresent(json, "storeNo", store);
        putIfPresent(json, "orderTitle", title);
        putIfPresent(json, "operatorId", operator);
        putIfPresent(json, "terminalNo", terminal);
        return withUnknownFields(random, new PaymentCommand(CommandType.PAY, store == null ? DEFAULT_STORE : store,
                order, null, barcode, amount, title, operator, terminal, null), json);
    }

    /** A QUERY command naming the order by partnerOrderNo, the provider's orderNo, or both. */
    static Command query(Random random) {
        String order = optional(random, r -> identifier(r, PaymentCommandParser.ORDER_NO_MAX));
        String providerOrder = optional(random, r -> identifier(r, PaymentCommandParser.ORDER_NO_MAX));
        String store = optional(random, r -> identifier(r, PaymentCommandParser.STORE_NO_MAX));
        String partnerOrderNo = order == null && providerOrder == null ? "q1" : order;
        ObjectNode json = MAPPER.createObjectNode().put("type", "QUERY");
        putIfPresent(json, "partnerOrderNo", partnerOrderNo);
        putIfPresent(json, "orderNo", providerOrder);
        putIfPresent(json, "storeNo", store);
        return withUnknownFields(random, new PaymentCommand(CommandType.QUERY, store == null ? DEFAULT_STORE : store,
                partnerOrderNo, providerOrder, null, null, null, null, null, null), json);
    }

    /** A REFUND command. */
    static Command refund(Random random) {
        String order = identifier(random, PaymentCommandParser.ORDER_NO_MAX);
        String refundNo = identifier(random, PaymentCommandParser.ORDER_NO_MAX);
        int amount = Fuzz.positive(random);
        String operator = optional(random, r -> text(r, PaymentCommandParser.OPERATOR_MAX));
        String terminal = optional(random, r -> text(r, PaymentCommandParser.TERMINAL_MAX));
        ObjectNode json = MAPPER.createObjectNode().put("type", "REFUND").put("partnerOrderNo", order)
                .put("refundNo", refundNo).put("orderAmount", amount);
        putIfPresent(json, "operatorId", operator);
        putIfPresent(json, "terminalNo", terminal);
        return withUnknownFields(random, new PaymentCommand(CommandType.REFUND, null, order, null, null, amount, null,
                operator, terminal, refundNo), json);
    }

    /** Unknown fields are ignored: the command with up to 3 added (any scalar within the JSON limits). */
    private static Command withUnknownFields(Random random, PaymentCommand expected, ObjectNode json) {
        for (int count = random.nextInt(4); count > 0; count--) {
            String value;
            do {
                value = HostileInput.scalar(random);
            } while (!value.startsWith("\"") && value.length() > PaymentCommandParser.MAX_NUMBER_LENGTH);
            json.set("x" + chars(random, 'a', 'z', 1, 12), readTree(value));
        }
        return new Command(expected, json, random.nextBoolean());
    }

    /** A valid identifier: 1 to {@code max} printable ASCII characters, no spaces. */
    static String identifier(Random random, int max) {
        return chars(random, '!', '~', 1, max);
    }

    /** Free text without control characters: any BMP characters but surrogates, and supplementary ones as pairs. */
    private static String text(Random random, int max) {
        int length = between(random, 1, max);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            switch (random.nextInt(4)) {
                case 0 -> text.append((char) between(random, ' ', '~'));
                case 1 -> text.append((char) between(random, '\u00a0', '\ud7ff'));
                case 2 -> text.append((char) between(random, '\ue000', '\uffff'));
                default -> {
                    // a pair where it fits, else one more BMP character: never longer than max
                    if (text.length() + 2 <= max) {
                        text.appendCodePoint(between(random, 0x10000, 0x10FFFF));
                    } else {
                        text.append('x');
                    }
                }
            }
        }
        return text.toString();
    }

    private static String optional(Random random, Function<Random, String> value) {
        return random.nextBoolean() ? value.apply(random) : null;
    }

    private static void putIfPresent(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("generated scalars are JSON: " + json, e);
        }
    }
}
