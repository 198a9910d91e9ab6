package com.scanforpay.gateway.testing;

import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * jqwik generators of what may arrive from outside: byte arrays of any content, and JSON texts of any shape (deep
 * nesting, long numbers, long or odd names, strings with control characters and lone surrogates), whose names are
 * often the fields the gateway reads, so that those get every kind of value. Texts are built by hand rather than
 * serialised, so that they can be what no serialiser writes.
 */
public final class HostileInput {

    /** Field names of commands, provider answers and notifications, so that generated objects hit them. */
    public static final List<String> KNOWN_FIELDS = List.of("type", "partnerOrderNo", "orderNo", "storeNo",
            "barcode", "orderAmount", "orderTitle", "operatorId", "terminalNo", "refundNo", "code", "msg", "status",
            "wallet", "payTime", "currency", "buyer", "buyerId", "response", "header", "body", "signature",
            "partnerNo", "reqMsgId", "respMsgId");

    private HostileInput() {
    }

    /** Any bytes, mostly short, sometimes around a few kilobytes (past an 8 KB limit). */
    public static Arbitrary<byte[]> bytes() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
                Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(1024)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(8000).ofMaxSize(9000)));
    }

    /** A JSON text, valid or nearly so: any value, an object of known fields, or something Jackson's limits refuse. */
    public static Arbitrary<String> jsonText() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, object(value())),
                Tuple.of(2, value()),
                Tuple.of(1, deepNesting()),
                Tuple.of(1, object(longNumber())),
                Tuple.of(1, longName()));
    }

    /** A JSON value of any kind, nested 0 to 40 levels (past a limit of 32), one nested child per level. */
    public static Arbitrary<String> value() {
        return value(40);
    }

    /** A JSON value of any kind, nested up to {@code maxDepth} levels. */
    public static Arbitrary<String> value(int maxDepth) {
        return Arbitraries.recursive(HostileInput::scalar, HostileInput::container, 0, maxDepth);
    }

    /** A JSON object whose members (known fields more often than not) have values from {@code values}. */
    public static Arbitrary<String> object(Arbitrary<String> values) {
        return Combinators.combine(name(), values).as(HostileInput::member).list().ofMaxSize(6)
                .map(members -> "{" + String.join(",", members) + "}");
    }

    /** A JSON scalar: strings of any characters, numbers of every form and size, booleans, null. */
    public static Arbitrary<String> scalar() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, string().map(HostileInput::quote)),
                Tuple.of(3, number()),
                Tuple.of(1, Arbitraries.of("true", "false", "null")));
    }

    /** A string of any UTF-16 units (controls, quotes, lone surrogates), or a digits-only one. */
    public static Arbitrary<String> string() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(24));
    }

    /** Numbers of every JSON form, from 0 to past every int, long and length limit. */
    public static Arbitrary<String> number() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483648", "1.0", "1.5", "1e3",
                        "1E+2", "-1e-7", "1e400", "-1e400", "0.0000001", "9223372036854775808"),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30)
                        .filter(digits -> digits.length() == 1 || digits.charAt(0) != '0'),
                Arbitraries.doubles().map(String::valueOf).filter(text -> !text.contains("N") && !text.contains("I")));
    }

    /** A number of 19 to 1200 digits: past a limit of 20 characters, and past Jackson's own 1000. */
    public static Arbitrary<String> longNumber() {
        return Combinators.combine(Arbitraries.integers().between(19, 1200), Arbitraries.of("", ".5", "e2"))
                .as((digits, tail) -> "9".repeat(digits) + tail);
    }

    /** Arrays or objects 30 to 3000 levels deep: past a limit of 32, and past Jackson's own 1000. */
    public static Arbitrary<String> deepNesting() {
        return Combinators.combine(Arbitraries.integers().between(30, 3000), Arbitraries.of(true, false))
                .as((depth, arrays) -> arrays ? "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}"
                        : "{\"a\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth + 1));
    }

    /** An object with a name of 200 to 60,000 characters: past a limit of 256, and past Jackson's own 50,000. */
    public static Arbitrary<String> longName() {
        return Arbitraries.integers().between(200, 60_000).map(length -> "{\"" + "n".repeat(length) + "\":1}");
    }

    /** The body fields of provider answers and notifications (PROTOCOL.md). */
    public static final List<String> ANSWER_FIELDS = List.of("code", "msg", "orderNo", "partnerOrderNo",
            "orderAmount", "wallet", "status", "payTime", "currency", "buyer", "buyerId");

    /**
     * The signed part of a response or notification, {@code {"header":{...},"body":{...}}}: the header names
     * {@code partnerNo} (sometimes another partner, or any value), and each body field is absent, a plausible value
     * or any JSON value; sometimes the body is not an object at all.
     */
    public static Arbitrary<String> responseMessage(String partnerNo) {
        // shallow values: deep ones are jsonText's; eleven deep fields per message would only be slow
        Arbitrary<String> anyValue = value(3);
        Arbitrary<String> partner = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(quote(partnerNo))),
                Tuple.of(1, Arbitraries.just(quote("30003"))), Tuple.of(1, anyValue));
        Arbitrary<String> header = Combinators.combine(partner, anyValue).as((named, messageId) ->
                "{\"partnerNo\":" + named + ",\"respTime\":\"2026-12-02T10:00:00+08:00\",\"reqMsgId\":" + messageId
                        + "}");
        List<Arbitrary<String>> members = ANSWER_FIELDS.stream().map(field -> Arbitraries.frequencyOf(
                Tuple.of(4, plausible(field).map(value -> member(field, value))),
                Tuple.of(1, anyValue.map(value -> member(field, value))),
                Tuple.of(1, Arbitraries.just("")))).toList();
        Arbitrary<String> body = Arbitraries.frequencyOf(
                Tuple.of(9, Combinators.combine(members).as(all -> "{" + String.join(",",
                        all.stream().filter(member -> !member.isEmpty()).toList()) + "}")),
                Tuple.of(1, anyValue));
        return Combinators.combine(header, body).as((h, b) -> "{\"header\":" + h + ",\"body\":" + b + "}");
    }

    /** {@code {"response": message, "signature": ...}} signed over exactly {@code message} by {@code signer}. */
    public static byte[] signedResponse(String message, ScanForPaySigner signer) {
        return ("{\"response\":" + message + ",\"signature\":\"" + signer.sign(message) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Arbitrary<String> plausible(String field) {
        return switch (field) {
            case "code" -> Arbitraries.of("1", "1", "30", "51");
            case "status" -> Arbitraries.integers().between(0, 3).map(String::valueOf);
            case "orderAmount" -> Arbitraries.integers().between(1, 100_000).map(String::valueOf);
            case "partnerOrderNo" -> Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(32)
                    .map(HostileInput::quote);
            default -> Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20).map(HostileInput::quote);
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

    private static Arbitrary<String> container(Arbitrary<String> nested) {
        // one nested child per level keeps the text linear in the depth, scalar siblings give it width; and
        // `nested` is used once, else jqwik's memoising hash of the arbitrary grows as 2^depth
        Arbitrary<List<Tuple2<String, String>>> siblings = Combinators.combine(name(), scalar()).as(Tuple::of)
                .list().ofMaxSize(3);
        return Combinators.combine(nested, Arbitraries.of(true, false), name(), siblings,
                Arbitraries.integers().between(0, 3)).as((child, array, name, others, at) -> array
                        ? "[" + String.join(",", insert(others.stream().map(Tuple2::get2).toList(), child, at)) + "]"
                        : "{" + String.join(",", insert(others.stream().map(m -> member(m.get1(), m.get2())).toList(),
                                member(name, child), at)) + "}");
    }

    private static Arbitrary<String> name() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(KNOWN_FIELDS)),
                Tuple.of(1, string()));
    }

    private static String member(String name, String value) {
        return quote(name) + ":" + value;
    }

    private static <T> List<T> insert(List<T> list, T element, int at) {
        List<T> copy = new ArrayList<>(list);
        copy.add(Math.min(at, copy.size()), element);
        return copy;
    }
}
