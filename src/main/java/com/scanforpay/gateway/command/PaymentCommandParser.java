package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.UnknownStoreException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.command.ParsedCommand.Accepted;
import com.scanforpay.gateway.command.ParsedCommand.Rejected;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Reads a command record's value bytes (docs/contract.md §3.1) and checks every field against the provider's limits
 * (docs/provider-protocol.md), so nothing downstream sees an invalid command. Reports every failing field, not only the
 * first. Unknown fields are ignored. A PAY or QUERY for a store no partner account serves can never succeed: it is
 * rejected here too ({@link RejectionCode#UNKNOWN_STORE}), before anything is written.
 *
 * <p>A total function of the bytes: any value at all (a tombstone, megabytes, not UTF-8, nested thousands deep)
 * becomes {@link Accepted} or {@link Rejected}, never an exception, so one hostile record can never stall its
 * partition. The JSON is read by a mapper of its own, with limits fitting flat commands, strict UTF-8 and
 * duplicate keys refused. Rejection messages quote no value but an unknown store's number (a barcode must never
 * reach a log or header), and field names only when they look like one.
 */
public final class PaymentCommandParser {

    private static final Logger LOG = Logger.getLogger(PaymentCommandParser.class);

    static final int STORE_NO_MAX = 15;
    static final int ORDER_NO_MAX = 32;
    static final int BARCODE_MAX = 20;
    static final int TITLE_MAX = 100;
    static final int OPERATOR_MAX = 20;
    static final int TERMINAL_MAX = 20;

    /** Commands are flat objects; unknown fields may nest a little. */
    static final int MAX_NESTING_DEPTH = 32;
    /** A 64-bit integer with its sign. */
    static final int MAX_NUMBER_LENGTH = 20;
    static final int MAX_NAME_LENGTH = 256;
    /** Longest field name or path quoted in a rejection. */
    private static final int MAX_QUOTED_PATH = 64;
    private static final String TRAILING = "unexpected content after the JSON object: a command is one object";

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** Order, refund and store numbers travel in URLs and logs: printable ASCII without spaces. */
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x7E]+");
    /**
     * A field name is quoted in a rejection only when it looks like one: short, printable, starting with a letter,
     * with no run of five digits (so never a barcode or other number).
     */
    private static final Pattern QUOTABLE_NAME = Pattern.compile("(?!.*[0-9]{5})[A-Za-z_$][A-Za-z0-9_$-]{0,31}");

    private final ObjectMapper json;
    private final Partners partners;
    private final Optional<String> defaultStoreNo;
    private final long maxCommandSize;

    /**
     * @param partners       which stores are served, and the store of commands naming none
     * @param maxCommandSize larger values are {@link RejectionCode#TOO_LARGE} without being parsed
     */
    public PaymentCommandParser(Partners partners, long maxCommandSize) {
        this.partners = partners;
        this.defaultStoreNo = partners.defaultStoreNo();
        this.maxCommandSize = maxCommandSize;
        this.json = strictMapper(maxCommandSize);
    }

    /** Not the application's mapper: its limits and features suit outside bytes, not the gateway's own JSON. */
    private static ObjectMapper strictMapper(long maxCommandSize) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxStringLength((int) Math.max(1, Math.min(maxCommandSize, Integer.MAX_VALUE)))
                        .maxDocumentLength(Math.max(1, maxCommandSize))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // asRefundOf writes ASCII only: its bytes are exact UTF-8, and a lone surrogate stays visible to parse
                .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                .build();
        // trailing content is checked after reading (readJson), not by FAIL_ON_TRAILING_TOKENS: from inside readTree
        // a second value could not be told from a broken first one
        return JsonMapper.builder(factory).build();
    }

    /** The command in {@code value}, or why it can never succeed; never throws. */
    public ParsedCommand parse(byte[] value) {
        try {
            ObjectRead read = readObject(value);
            return read.object() != null ? new Reader(read.object()).read() : read.rejection();
        } catch (RuntimeException | StackOverflowError e) {
            // last line of defence: the known cases are all handled above; never stall a partition on a surprise.
            // Only the class and where: an exception's message may quote the value.
            LOG.warnf("Unexpected %s reading a command (at %s): rejected as INVALID_JSON", e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            return invalidJson("command could not be read as a JSON object");
        }
    }

    /**
     * The REFUND command of the payments API: the JSON object of {@code body} with {@code "type":"REFUND"} and the
     * {@code partnerOrderNo} of the request's path. A body that cannot be read as an object, for whatever reason
     * (size included), is returned unchanged, so that {@link #parse} names the problem as for a Kafka command.
     * Never throws.
     */
    public byte[] asRefundOf(String partnerOrderNo, byte[] body) {
        try {
            ObjectNode object = readObject(body).object();
            if (object == null) {
                return body;
            }
            object.put("type", CommandType.REFUND.name());
            object.put("partnerOrderNo", partnerOrderNo);
            return json.writeValueAsBytes(object);
        } catch (JsonProcessingException | RuntimeException | StackOverflowError e) {
            return body;
        }
    }

    /** The JSON object of a value, or the rejection saying why there is none. */
    private record ObjectRead(ObjectNode object, Rejected rejection) {

        static ObjectRead rejected(Rejected rejection) {
            return new ObjectRead(null, rejection);
        }
    }

    private ObjectRead readObject(byte[] value) {
        if (value == null) {
            return ObjectRead.rejected(invalidJson("command is a tombstone (null value): expected a JSON object"));
        }
        if (value.length == 0) {
            return ObjectRead.rejected(invalidJson("command is empty: expected a JSON object"));
        }
        if (value.length > maxCommandSize) {
            return ObjectRead.rejected(rejection(RejectionCode.TOO_LARGE, "$", "command is " + value.length
                    + " bytes, larger than the limit of " + maxCommandSize
                    + " bytes (scanforpay.consumer.max-command-size); it was not read"));
        }
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                // also how UTF-16 and UTF-32 text shows in UTF-8
                return ObjectRead.rejected(invalidJson("command contains a NUL byte (at byte offset " + i
                        + "): expected UTF-8 JSON text"));
            }
        }
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(value);
        CharBuffer out = CharBuffer.allocate(value.length);
        CoderResult decoded = strict.decode(in, out, true);
        if (decoded.isError()) {
            return ObjectRead.rejected(invalidJson("command is not valid UTF-8 (at byte offset " + in.position()
                    + ")"));
        }
        String text = out.flip().toString();
        if (text.charAt(0) == '\uFEFF') {
            return ObjectRead.rejected(invalidJson(
                    "command starts with a byte order mark: expected UTF-8 JSON without one"));
        }
        return readJson(text);
    }

    /** Parses decoded text (a String: Jackson guesses no encoding), telling each kind of failure apart. */
    private ObjectRead readJson(String text) {
        boolean objectRead = false;
        try (JsonParser parser = json.createParser(text)) {
            try {
                JsonToken first = parser.nextToken();
                if (first == null) {
                    return ObjectRead.rejected(invalidJson("command is only whitespace: expected a JSON object"));
                }
                if (first != JsonToken.START_OBJECT) {
                    return ObjectRead.rejected(invalidJson("command must be a JSON object, not " + kind(first)));
                }
                JsonNode node = json.readTree(parser);
                objectRead = true;
                if (parser.nextToken() != null) {
                    return ObjectRead.rejected(invalidJson(TRAILING));
                }
                return new ObjectRead((ObjectNode) node, null);
            } catch (JsonProcessingException e) {
                return ObjectRead.rejected(notRead(e, parser.getParsingContext(), objectRead));
            }
        } catch (IOException e) {
            return ObjectRead.rejected(invalidJson("command is not valid JSON"));
        }
    }

    /** The rejection of a document Jackson refused; Jackson's own message is never used (it may quote values). */
    private static Rejected notRead(JsonProcessingException e, JsonStreamContext context, boolean objectRead) {
        String reason = String.valueOf(e.getOriginalMessage());
        if (e instanceof StreamConstraintsException) {
            if (reason.startsWith("Document nesting depth")) {
                return invalidJson("command is nested deeper than " + MAX_NESTING_DEPTH
                        + " levels: a command is a flat JSON object");
            }
            if (reason.startsWith("Number value length")) {
                return invalidJson(path(context), "number is longer than " + MAX_NUMBER_LENGTH + " characters");
            }
            if (reason.startsWith("Name length")) {
                return invalidJson("command has a field name longer than " + MAX_NAME_LENGTH + " characters");
            }
            if (reason.startsWith("String value length")) {
                return invalidJson(path(context), "string is longer than the command size limit");
            }
            return invalidJson("command exceeds the limits of a JSON command (nesting depth " + MAX_NESTING_DEPTH
                    + ", numbers of " + MAX_NUMBER_LENGTH + " characters, field names of " + MAX_NAME_LENGTH
                    + " characters)");
        }
        if (objectRead) {
            return invalidJson(TRAILING);
        }
        if (e instanceof JsonParseException && reason.startsWith("Duplicate field")
                && context.getCurrentName() != null) {
            return invalidJson(path(context), "occurs more than once in the same object: duplicate keys are "
                    + "ambiguous");
        }
        JsonLocation at = e.getLocation();
        return invalidJson(at == null ? "command is not valid JSON" : "command is not valid JSON (at line "
                + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    /**
     * Where the parser is, as {@code orderAmount} or {@code extra.items[2].name}; {@code $} when that cannot be
     * quoted safely (a name that does not look like a field name, or a long path).
     */
    private static String path(JsonStreamContext context) {
        Deque<String> segments = new ArrayDeque<>();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inArray()) {
                segments.addFirst("[" + Math.max(0, at.getCurrentIndex()) + "]");
                continue;
            }
            String name = at.getCurrentName();
            if (name == null || !QUOTABLE_NAME.matcher(name).matches()) {
                return "$";
            }
            segments.addFirst(name);
        }
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            if (path.length() > 0 && !segment.startsWith("[")) {
                path.append('.');
            }
            path.append(segment);
        }
        return path.length() == 0 || path.length() > MAX_QUOTED_PATH ? "$" : path.toString();
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "another JSON value";
        };
    }

    private static Rejected invalidJson(String message) {
        return invalidJson("$", message);
    }

    private static Rejected invalidJson(String field, String message) {
        return rejection(RejectionCode.INVALID_JSON, field, message);
    }

    private static Rejected rejection(RejectionCode code, String field, String message) {
        return new Rejected(code, List.of(new FieldError(field, message)), null, null, null);
    }

    /** Collects the field errors of one command. */
    private final class Reader {
        private final JsonNode json;
        private final List<FieldError> errors = new ArrayList<>();
        private RejectionCode code;

        Reader(JsonNode json) {
            this.json = json;
        }

        ParsedCommand read() {
            CommandType type = type();
            String partnerOrderNo = identifier("partnerOrderNo", ORDER_NO_MAX, type != CommandType.QUERY);
            if (type == null) {
                return rejected(null, partnerOrderNo, null);
            }
            PaymentCommand command = switch (type) {
                case PAY -> new PaymentCommand(type, storeNo(), partnerOrderNo, null, barcode(), amount(),
                        text("orderTitle", TITLE_MAX), text("operatorId", OPERATOR_MAX),
                        text("terminalNo", TERMINAL_MAX), null);
                case QUERY -> query(partnerOrderNo);
                case REFUND -> new PaymentCommand(type, null, partnerOrderNo, null, null, amount(), null,
                        text("operatorId", OPERATOR_MAX), text("terminalNo", TERMINAL_MAX),
                        identifier("refundNo", ORDER_NO_MAX, true));
            };
            return errors.isEmpty() ? new Accepted(command)
                    : rejected(type, partnerOrderNo, command == null ? null : command.refundNo());
        }

        private PaymentCommand query(String partnerOrderNo) {
            String storeNo = storeNo();
            String orderNo = identifier("orderNo", ORDER_NO_MAX, false);
            // given but invalid: already reported by field; given empty: as good as missing
            if (partnerOrderNo == null && orderNo == null && isBlank("partnerOrderNo") && isBlank("orderNo")) {
                fail(RejectionCode.MISSING_FIELD, "partnerOrderNo", "a QUERY needs partnerOrderNo or orderNo");
            }
            return new PaymentCommand(CommandType.QUERY, storeNo, partnerOrderNo, orderNo, null, null, null, null,
                    null, null);
        }

        private Rejected rejected(CommandType type, String partnerOrderNo, String refundNo) {
            return new Rejected(code, List.copyOf(errors), type, partnerOrderNo, refundNo);
        }

        private CommandType type() {
            JsonNode node = json.get("type");
            if (node == null || node.isNull()) {
                return CommandType.PAY;
            }
            if (node.isTextual()) {
                for (CommandType type : CommandType.values()) {
                    if (type.name().equals(node.textValue())) {
                        return type;
                    }
                }
            }
            fail(RejectionCode.UNSUPPORTED_TYPE, "type", "must be one of PAY, QUERY, REFUND");
            return null;
        }

        private String storeNo() {
            String storeNo = identifier("storeNo", STORE_NO_MAX, defaultStoreNo.isEmpty());
            if (storeNo != null && partners.forStore(storeNo).isEmpty()) {
                fail(RejectionCode.UNKNOWN_STORE, "storeNo", UnknownStoreException.message(storeNo));
                return null;
            }
            return storeNo != null ? storeNo : defaultStoreNo.orElse(null);
        }

        private String barcode() {
            String barcode = string("barcode", BARCODE_MAX, true);
            if (barcode != null && !DIGITS.matcher(barcode).matches()) {
                fail(RejectionCode.INVALID_FIELD, "barcode", "must contain digits only");
                return null;
            }
            return barcode;
        }

        private Integer amount() {
            JsonNode node = json.get("orderAmount");
            if (node == null || node.isNull()) {
                fail(RejectionCode.MISSING_FIELD, "orderAmount", "is required");
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() <= 0) {
                fail(RejectionCode.INVALID_FIELD, "orderAmount",
                        "must be a positive whole number of the currency's smallest unit, at most 2147483647");
                return null;
            }
            return node.intValue();
        }

        private String identifier(String field, int maxLength, boolean required) {
            String value = string(field, maxLength, required);
            if (value != null && !IDENTIFIER.matcher(value).matches()) {
                fail(RejectionCode.INVALID_FIELD, field, "must be printable ASCII without spaces");
                return null;
            }
            return value;
        }

        /** Free text: stored in PostgreSQL (no NUL), logged and sent on, so no control characters either. */
        private String text(String field, int maxLength) {
            String value = string(field, maxLength, false);
            String problem = value == null ? null : CleanText.problem(value);
            if (problem != null) {
                fail(RejectionCode.INVALID_FIELD, field, problem);
                return null;
            }
            return value;
        }

        private boolean isBlank(String field) {
            JsonNode node = json.get(field);
            return node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty());
        }

        private String string(String field, int maxLength, boolean required) {
            JsonNode node = json.get(field);
            if (isBlank(field)) {
                if (required) {
                    fail(RejectionCode.MISSING_FIELD, field, "is required");
                }
                return null;
            }
            if (!node.isTextual()) {
                fail(RejectionCode.INVALID_FIELD, field, "must be a string");
                return null;
            }
            String value = node.textValue();
            if (value.length() > maxLength) {
                fail(RejectionCode.INVALID_FIELD, field, "must be at most " + maxLength + " characters");
                return null;
            }
            return value;
        }

        private void fail(RejectionCode failure, String field, String message) {
            if (code == null) {
                code = failure;
            }
            errors.add(new FieldError(field, message));
        }
    }
}
