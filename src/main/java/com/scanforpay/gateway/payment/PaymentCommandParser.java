package com.scanforpay.gateway.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.payment.ParsedCommand.Accepted;
import com.scanforpay.gateway.payment.ParsedCommand.Rejected;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a command record's value bytes (CONTRACT.md §2) and checks every field against the provider's limits
 * (PROTOCOL.md), so nothing downstream sees an invalid command. Reports every failing field, not only the
 * first. Unknown fields are ignored. A PAY or QUERY for a store no partner account serves can never succeed: it is
 * rejected here too ({@link RejectionCode#UNKNOWN_STORE}), before anything is written.
 */
public final class PaymentCommandParser {

    static final int STORE_NO_MAX = 15;
    static final int ORDER_NO_MAX = 32;
    static final int BARCODE_MAX = 20;
    static final int TITLE_MAX = 100;
    static final int OPERATOR_MAX = 20;
    static final int TERMINAL_MAX = 20;

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** Order, refund and store numbers travel in URLs and logs: printable ASCII without spaces. */
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x7E]+");

    private final ObjectMapper mapper;
    private final Partners partners;
    private final Optional<String> defaultStoreNo;

    /** {@code partners} says which stores are served, and the store of commands naming none. */
    public PaymentCommandParser(ObjectMapper mapper, Partners partners) {
        this.mapper = mapper;
        this.partners = partners;
        this.defaultStoreNo = partners.defaultStoreNo();
    }

    public ParsedCommand parse(byte[] value) {
        if (value == null || value.length == 0) {
            return invalidJson("command is empty: expected a JSON object");
        }
        JsonNode json;
        try {
            json = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            return invalidJson("command is not valid UTF-8 JSON (at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            return invalidJson("command is not valid UTF-8 JSON");
        }
        if (json == null || !json.isObject()) {
            return invalidJson("command must be a JSON object");
        }
        return new Reader(json).read();
    }

    private static Rejected invalidJson(String message) {
        return new Rejected(RejectionCode.INVALID_JSON, List.of(new FieldError("$", message)), null, null, null);
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
            if (partnerOrderNo == null && orderNo == null && !json.hasNonNull("partnerOrderNo")
                    && !json.hasNonNull("orderNo")) {
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

        private String text(String field, int maxLength) {
            return string(field, maxLength, false);
        }

        private String string(String field, int maxLength, boolean required) {
            JsonNode node = json.get(field);
            if (node == null || node.isNull() || (node.isTextual() && node.textValue().isEmpty())) {
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
