package com.scanforpay.gateway.testing;

import static com.scanforpay.gateway.testing.Fuzz.between;
import static com.scanforpay.gateway.testing.Fuzz.chars;
import static com.scanforpay.gateway.testing.Fuzz.oneOf;
import static com.scanforpay.gateway.testing.Fuzz.pick;
import static com.scanforpay.gateway.testing.Fuzz.weight;

import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generators of what may arrive from outside, each drawing from a {@link Random}: byte arrays of any content,
 * mutations of valid values, and JSON texts of any shape (deep nesting, long numbers, long or odd names, strings with
 * control characters and lone surrogates), whose names are often the fields the gateway reads, so that those get
 * every kind of value. Texts are built by hand rather than serialised, so that they can be what no serialiser writes.
 */
public final class HostileInput {

    /** Field names of commands, provider answers and notifications, so that generated objects hit them. */
    public static final List<String> KNOWN_FIELDS = List.of("type", "partnerOrderNo", "orderNo", "storeNo",
            "barcode", "orderAmount", "orderTitle", "operatorId", "terminalNo", "refundNo", "code", "msg", "status",
            "wallet", "payTime", "currency", "buyer", "buyerId", "response", "header", "body", "signature",
            "partnerNo", "reqMsgId", "respMsgId");

    /** The body fields of provider answers and notifications (docs/provider-protocol.md). */
    public static final List<String> ANSWER_FIELDS = List.of("code", "msg", "orderNo", "partnerOrderNo",
            "orderAmount", "wallet", "status", "payTime", "currency", "buyer", "buyerId");

    /** Bytes that end strings, open or close containers, escape, or are not UTF-8 on their own. */
    private static final byte[] INTERESTING = {0, '"', '\'', '[', ']', '{', '}', ',', ':', '\\', ' ', '\n', '0', '-',
            'e', (byte) 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xC2, (byte) 0xDF,
            (byte) 0xE0, (byte) 0xED, (byte) 0xEF, (byte) 0xF0, (byte) 0xF4, (byte) 0xF5, (byte) 0xFE, (byte) 0xFF};

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Pieces of JSON and of text that is nearly JSON, for bytes that get past the first checks of a reader. */
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"", "\"type\"", "\"PAY\"",
            "\"partnerOrderNo\"", "\"orderAmount\"", "\"response\"", "\"signature\"", "true", "null", "-0", "1e999",
            "9223372036854775808", "\\u0000", "\\ud800", "\\\"", " ", "\t", "\r\n", "é", "\u2028", "\uFEFF", "€",
            "\uD83D\uDE00", "/*", "'");

    private HostileInput() {
    }

    // ---- bytes ----------------------------------------------------------------------------------------------------

    /**
     * Any bytes: often short, sometimes a few kilobytes or around 8 KB (past a limit of 8192); raw bytes biased
     * towards the interesting ones, or UTF-8 text of JSON pieces (sometimes after a byte order mark), which a reader
     * cannot refuse for its encoding alone.
     */
    public static byte[] bytes(Random random) {
        int length = oneOf(random, weight(6, r -> between(r, 0, 64)), weight(3, r -> between(r, 0, 1024)),
                weight(1, r -> between(r, 8000, 9000)));
        return random.nextInt(3) == 0 ? text(random, length) : rawBytes(random, length);
    }

    private static byte[] rawBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        // half of the positions of half of the arrays: uniform bytes alone are rarely a quote, a brace or a lead byte
        if (random.nextBoolean()) {
            for (int i = 0; i < length; i++) {
                if (random.nextBoolean()) {
                    bytes[i] = random.nextInt(4) == 0 ? (byte) between(random, 0x80, 0xFF)
                            : INTERESTING[random.nextInt(INTERESTING.length)];
                }
            }
        }
        if (length >= BOM.length && random.nextInt(8) == 0) {
            System.arraycopy(BOM, 0, bytes, 0, BOM.length);
        }
        return bytes;
    }

    /** UTF-8 text of about {@code length} bytes: JSON pieces, any characters and, one time in four, a BOM first. */
    private static byte[] text(Random random, int length) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(length + 8);
        if (random.nextInt(4) == 0) {
            text.writeBytes(BOM);
        }
        while (text.size() < length) {
            String piece = random.nextInt(3) == 0 ? string(random) : pick(random, TOKENS);
            text.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
        }
        return text.toByteArray();
    }

    // ---- mutations ------------------------------------------------------------------------------------------------

    /** What an insertion puts in: bytes that end strings, open or close containers, or are not UTF-8. */
    private static final byte[] INSERTED = {0, '"', '[', ']', '{', '}', ',', ':', '\\', ' ', 'x', '0',
            (byte) 0xFF, (byte) 0xC3, (byte) 0xED, (byte) 0x80};

    /** A kind of change to a value's bytes. */
    public enum Mutation { FLIP_BIT, TRUNCATE, INSERT, DELETE, DUPLICATE_KEY }

    /**
     * {@code value} after 1 to 4 changes: a bit flipped, cut short, a byte deleted, a byte inserted (NUL, a quote,
     * a bracket, a byte that is not UTF-8), or one of {@code fieldNames} put again first into the outer object.
     */
    public static byte[] mutate(Random random, byte[] value, List<String> fieldNames) {
        int mutations = between(random, 1, 4);
        for (int i = 0; i < mutations; i++) {
            value = mutate(random, pick(random, Mutation.values()), value, fieldNames);
        }
        return value;
    }

    private static byte[] mutate(Random random, Mutation mutation, byte[] original, List<String> fieldNames) {
        int length = original.length;
        return switch (mutation) {
            case FLIP_BIT -> {
                byte[] flipped = original.clone();
                if (length > 0) {
                    flipped[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
                }
                yield flipped;
            }
            case TRUNCATE -> Arrays.copyOf(original, random.nextInt(length + 1));
            case INSERT -> insert(original, random.nextInt(length + 1),
                    new byte[] {INSERTED[random.nextInt(INSERTED.length)]});
            case DELETE -> {
                if (length == 0) {
                    yield original;
                }
                int position = random.nextInt(length);
                byte[] shorter = Arrays.copyOf(original, length - 1);
                System.arraycopy(original, position + 1, shorter, position, length - position - 1);
                yield shorter;
            }
            case DUPLICATE_KEY -> {
                int brace = indexOf(original, (byte) '{');
                if (brace < 0 || fieldNames.isEmpty()) {
                    yield original;
                }
                String member = "\"" + pick(random, fieldNames) + "\":" + pick(random, "1", "\"x\"", "null", "{}")
                        + ",";
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

    // ---- JSON -----------------------------------------------------------------------------------------------------

    /** A JSON text, valid or nearly so: any value, an object of known fields, or something Jackson's limits refuse. */
    public static String jsonText(Random random) {
        return oneOf(random,
                weight(4, r -> object(r, HostileInput::value)),
                weight(2, HostileInput::value),
                weight(1, HostileInput::deepNesting),
                weight(1, r -> object(r, HostileInput::longNumber)),
                weight(1, HostileInput::longName));
    }

    /** A JSON value of any kind, nested 0 to 40 levels (past a limit of 32). */
    public static String value(Random random) {
        return value(random, 40);
    }

    /**
     * A JSON value of any kind, nested 0 to {@code maxDepth} levels: one nested child per level keeps the text linear
     * in the depth, scalar siblings give it width.
     */
    public static String value(Random random, int maxDepth) {
        String value = scalar(random);
        for (int depth = between(random, 0, maxDepth); depth > 0; depth--) {
            List<String> members = new ArrayList<>();
            boolean array = random.nextBoolean();
            for (int sibling = random.nextInt(4); sibling > 0; sibling--) {
                members.add(array ? scalar(random) : member(name(random), scalar(random)));
            }
            members.add(random.nextInt(members.size() + 1), array ? value : member(name(random), value));
            value = array ? "[" + String.join(",", members) + "]" : "{" + String.join(",", members) + "}";
        }
        return value;
    }

    /**
     * A JSON object of up to 6 members (known fields more often than not) with values from {@code values}; one time
     * in eight a name occurs twice.
     */
    public static String object(Random random, Function<Random, String> values) {
        List<String> members = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int count = between(random, 0, 6); count > 0; count--) {
            String name = !names.isEmpty() && random.nextInt(8) == 0 ? pick(random, names) : name(random);
            names.add(name);
            members.add(member(name, values.apply(random)));
        }
        return "{" + String.join(",", members) + "}";
    }

    /** A JSON scalar: strings of any characters, numbers of every form and size, booleans, null. */
    public static String scalar(Random random) {
        return oneOf(random,
                weight(4, r -> quote(string(r))),
                weight(3, HostileInput::number),
                weight(1, r -> pick(r, "true", "false", "null")));
    }

    /** A string of any UTF-16 units (controls, quotes, lone surrogates), of printable ASCII, or of digits only. */
    public static String string(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> anyUnits(random, between(random, 0, 40));
            case 1 -> chars(random, ' ', '~', 0, 40);
            default -> chars(random, '0', '9', 1, 24);
        };
    }

    /** UTF-16 units biased towards the odd ones: controls, quotes, backslashes, surrogates (paired or not). */
    private static String anyUnits(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            switch (random.nextInt(8)) {
                case 0 -> text.append((char) between(random, 0, 0x1F));
                case 1 -> text.append(pick(random, '"', '\\', '/', '\u007F', '\u0085', '\u2028', '\u2029', '\uFEFF',
                        '\uFFFE', '\uFFFF'));
                case 2 -> text.append((char) between(random, 0xD800, 0xDFFF));
                case 3 -> text.appendCodePoint(between(random, 0x10000, 0x10FFFF));
                case 4 -> text.append((char) between(random, ' ', '~'));
                default -> text.append((char) random.nextInt(0x10000));
            }
        }
        return text.toString();
    }

    /** Numbers of every JSON form, from 0 to past every int, long and length limit. */
    public static String number(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> String.valueOf(Fuzz.anyInt(random));
            case 1 -> Long.toString(random.nextBoolean() ? random.nextLong()
                    : pick(random, Long.MAX_VALUE, Long.MIN_VALUE, 0L, (long) Integer.MAX_VALUE + 1));
            case 2 -> pick(random, "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648", "1.0", "1.5",
                    "1e3", "1E+2", "-1e-7", "1e400", "-1e400", "0.0000001", "9223372036854775808");
            case 3 -> between(random, 1, 9) + chars(random, '0', '9', 0, 29);
            default -> {
                double value = random.nextBoolean() ? random.nextDouble() * Math.pow(10, between(random, -30, 30))
                        : Double.longBitsToDouble(random.nextLong());
                yield Double.isFinite(value) ? String.valueOf(value) : "0.5";
            }
        };
    }

    /** A number of 19 to 1200 digits: past a limit of 20 characters, and past Jackson's own 1000. */
    public static String longNumber(Random random) {
        return "9".repeat(between(random, 19, 1200)) + pick(random, "", ".5", "e2");
    }

    /** Arrays or objects 30 to 3000 levels deep: past a limit of 32, and past Jackson's own 1000. */
    public static String deepNesting(Random random) {
        int depth = between(random, 30, 3000);
        return random.nextBoolean() ? "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}"
                : "{\"a\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth + 1);
    }

    /** An object with a name of 200 to 60,000 characters: past a limit of 256, and past Jackson's own 50,000. */
    public static String longName(Random random) {
        return "{\"" + "n".repeat(between(random, 200, 60_000)) + "\":1}";
    }

    /**
     * The signed part of a response or notification, {@code {"header":{...},"body":{...}}}: the header names
     * {@code partnerNo} (sometimes another partner, or any value), and each body field is absent, a plausible value
     * or any JSON value; sometimes the body is not an object at all.
     */
    public static String responseMessage(Random random, String partnerNo) {
        // shallow values: deep ones are jsonText's; eleven deep fields per message would only be slow
        Function<Random, String> anyValue = r -> value(r, 3);
        String partner = oneOf(random, weight(8, r -> quote(partnerNo)), weight(1, r -> quote("30003")),
                weight(1, anyValue));
        String header = "{\"partnerNo\":" + partner + ",\"respTime\":\"2026-12-02T10:00:00+08:00\",\"reqMsgId\":"
                + anyValue.apply(random) + "}";
        String body;
        if (random.nextInt(10) == 0) {
            body = anyValue.apply(random);
        } else {
            List<String> members = new ArrayList<>();
            for (String field : ANSWER_FIELDS) {
                switch (random.nextInt(6)) {
                    case 0 -> members.add(member(field, anyValue.apply(random)));
                    case 1 -> { }
                    default -> members.add(member(field, plausible(random, field)));
                }
            }
            body = "{" + String.join(",", members) + "}";
        }
        return "{\"header\":" + header + ",\"body\":" + body + "}";
    }

    /** {@code {"response": message, "signature": ...}} signed over exactly {@code message} by {@code signer}. */
    public static byte[] signedResponse(String message, ScanForPaySigner signer) {
        return ("{\"response\":" + message + ",\"signature\":\"" + signer.sign(message) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String plausible(Random random, String field) {
        return switch (field) {
            case "code" -> pick(random, "1", "1", "30", "51");
            case "status" -> String.valueOf(between(random, 0, 3));
            case "orderAmount" -> String.valueOf(between(random, 1, 100_000));
            case "partnerOrderNo" -> quote(chars(random, '!', '~', 1, 32));
            default -> quote(chars(random, ' ', '~', 0, 20));
        };
    }

    /** {@code text} as a JSON string: quotes, backslashes, controls and lone surrogates escaped; pairs kept raw. */
    public static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                quoted.append(c).append(text.charAt(++i));
            } else if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static String name(Random random) {
        return random.nextInt(4) < 3 ? pick(random, KNOWN_FIELDS) : string(random);
    }

    private static String member(String name, String value) {
        return quote(name) + ":" + value;
    }
}
