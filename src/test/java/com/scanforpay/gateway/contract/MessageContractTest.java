package com.scanforpay.gateway.contract;

import static com.scanforpay.gateway.contract.MessageSchemas.assertInvalid;
import static com.scanforpay.gateway.contract.MessageSchemas.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.scanforpay.gateway.contract.MessageSchemas.Kind;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.command.ParsedCommand;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.command.PaymentCommandParser;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.publishing.PaymentResults;
import com.scanforpay.gateway.payment.ResultSource;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.RefundResult;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.testing.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The message contract (docs/schemas, docs/asyncapi.yaml) against what users read and what the gateway produces:
 * every JSON example in README.md and docs/*.md (ScanForPay's own envelopes, in docs/provider-protocol.md, by
 * their signatures), the results {@link PaymentResults} makes of every kind of answer, the commands
 * the tests send, and documents that must be refused. The parser's agreement with the command schema, and real
 * dead letters, are checked in {@code payment.ContractAgreementTest} (package-private helpers).
 */
class MessageContractTest {

    private static final Path README = Path.of("README.md");
    /**
     * The sign key of the ScanForPay envelopes shown in the docs (docs/provider-protocol.md §3): a complete one must
     * carry its true signature.
     */
    static final String EXAMPLE_SIGN_KEY = "example-sign-key";
    /** Configured like Quarkus' own ObjectMapper (quarkus-jackson's defaults), which publishes the results. */
    static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    // ---------------------------------------------------------------- README

    /**
     * One JSON document found in a code block of {@code file}, and what it must be: a message of the contract
     * ({@code kind}), or a ScanForPay envelope ({@code kind} null), which no schema describes.
     */
    record Example(String file, int line, String json, Kind kind, boolean abbreviated, boolean mustFail) {

        Example refused() {
            return new Example(file, line, json, kind, abbreviated, true);
        }

        boolean providerEnvelope() {
            return kind == null;
        }

        @Override
        public String toString() {
            return file + " line " + line + ": " + json;
        }
    }

    /** README.md and every docs/*.md, in that order: the documents users read examples in. */
    static List<Path> documents() throws java.io.IOException {
        List<Path> documents = new ArrayList<>(List.of(README));
        try (var docs = Files.list(MessageSchemas.DOCS)) {
            docs.filter(path -> path.getFileName().toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** The examples of every document ({@link #documents()}). */
    static List<Example> documentExamples() throws java.io.IOException {
        List<Example> examples = new ArrayList<>();
        for (Path document : documents()) {
            examples.addAll(readmeExamples(document.toString().replace('\\', '/'),
                    Files.readAllLines(document, StandardCharsets.UTF_8)));
        }
        return examples;
    }

    private static final Pattern CURL_BODY = Pattern.compile("-d '(\\{.*?})'");
    private static final Pattern URL_PATH = Pattern.compile("https?://[^/\\s'\"]+(/[^\\s'\"?]*)");
    private static final Pattern REFUNDS_PATH = Pattern.compile("/payments/([^/]+)/refunds");
    private static final Pattern ANSWER = Pattern.compile("^# (\\d{3}) (\\{.*})");

    /**
     * Every JSON object in README's code blocks, placed by where it stands: a line that is a JSON object (a command
     * pasted into the local stack, or a line of a {@code json} block: one document per line) by its fields;
     * {@code <- result {...}} a result; a curl {@code -d '{...}'} body a command ({@code /payments}) or a refund
     * body, which the API turns into a REFUND command with the path's order; {@code # 200 {...}} an HTTP answer. A
     * JSON object anywhere else fails the test, so that no example escapes validation. {@code ...} or {@code …}
     * marks an abbreviated example: only the fields it shows are checked. A command answered {@code # 400} must be
     * refused by the schema too.
     */
    static List<Example> readmeExamples(List<String> readme) {
        return readmeExamples("README.md", readme);
    }

    /** {@link #readmeExamples(List)} of any Markdown document, named {@code file} in failures. */
    static List<Example> readmeExamples(String file, List<String> readme) {
        List<Example> examples = new ArrayList<>();
        String language = null;
        Example lastRequest = null;
        for (int i = 0; i < readme.size(); i++) {
            String line = readme.get(i);
            if (line.strip().startsWith("```")) {
                language = language == null ? line.strip().substring(3).strip() : null;
                lastRequest = null;
                continue;
            }
            if (language == null) {
                continue;
            }
            int first = i + 1;
            StringBuilder logical = new StringBuilder(line);
            // a shell command continued on the next lines: one request
            while (logical.toString().endsWith("\\") && i + 1 < readme.size()) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(readme.get(++i).strip());
            }
            String text = logical.toString().strip();
            if (text.startsWith("curl ")) {
                lastRequest = null; // an answer line belongs to the request just before it
            }
            if (!text.contains("{\"")) {
                continue;
            }
            Matcher body = CURL_BODY.matcher(text);
            Matcher answer = ANSWER.matcher(text);
            if (text.startsWith("{")) {
                examples.add(byFields(file, first, text));
            } else if (text.startsWith("<- result {")) {
                examples.add(example(file, first, text.substring(text.indexOf('{')), Kind.RESULT));
            } else if (text.startsWith("curl ") && body.find()) {
                Matcher path = URL_PATH.matcher(text);
                if (!path.find()) {
                    fail(file + " line " + first + ": a request body without a URL: " + text);
                }
                Matcher refunds = REFUNDS_PATH.matcher(path.group(1));
                String json = body.group(1);
                if (refunds.matches()) {
                    json = asRefund(json, refunds.group(1), file, first);
                } else if (!path.group(1).equals("/payments")) {
                    fail(file + " line " + first + ": a request body for " + path.group(1)
                            + ", which MessageContractTest does not know: " + text);
                }
                lastRequest = example(file, first, json, Kind.COMMAND);
                examples.add(lastRequest);
            } else if (answer.find()) {
                if (answer.group(1).equals("400") && lastRequest != null) {
                    // the document says the gateway refuses this request's command: the schema must too
                    examples.set(examples.indexOf(lastRequest), lastRequest.refused());
                }
                Example answered = httpAnswer(file, answer.group(2), first);
                if (answered != null) {
                    examples.add(answered);
                }
                lastRequest = null;
            } else {
                fail(file + " line " + first + " shows JSON that MessageContractTest cannot place (a command, "
                        + "result or dead letter, or an HTTP answer): extend readmeExamples, or write it as one of "
                        + "the known forms: " + text);
            }
        }
        return examples;
    }

    /** A JSON line on its own: the kind its fields say, or a ScanForPay envelope. */
    private static Example byFields(String file, int line, String json) {
        JsonNode node = parse(file, line, normalised(json));
        if (node.has("signature") && (node.has("request") || node.has("response"))) {
            return example(file, line, json, null);
        }
        Iterable<String> names = node::fieldNames;
        for (String name : names) {
            if (name.startsWith("scanforpay-")) {
                return example(file, line, json, Kind.DEAD_LETTER_HEADERS);
            }
        }
        if (node.has("outcome")) {
            return example(file, line, json, Kind.RESULT);
        }
        for (String field : List.of("type", "partnerOrderNo", "orderNo", "barcode", "orderAmount", "refundNo")) {
            if (node.has(field)) {
                return example(file, line, json, Kind.COMMAND);
            }
        }
        throw new AssertionError(file + " line " + line + ": a JSON example that is neither a command, a result, "
                + "dead-letter headers nor a ScanForPay envelope: " + json);
    }

    /**
     * An HTTP answer: a result, or one of the API's own documents (a problem, a payment view), which are described
     * by /q/openapi rather than the message contract; a view's {@code result} is a result.
     */
    private static Example httpAnswer(String file, String json, int line) {
        JsonNode node = parse(file, line, normalised(json));
        if (node.has("outcome")) {
            return example(file, line, json, Kind.RESULT);
        }
        if (node.path("type").asText().startsWith("urn:scanforpay:problem:")) {
            return null;
        }
        if (node.has("state")) {
            JsonNode result = node.path("result");
            return result.isObject() && result.size() > 0
                    ? example(file, line, result.toString(), Kind.RESULT) : null;
        }
        throw new AssertionError(file + " line " + line + ": an HTTP answer that is neither a result, a problem "
                + "nor a payment: " + json);
    }

    /** The REFUND command the API makes of a refund body (PaymentCommandParser.asRefundOf). */
    private static String asRefund(String body, String partnerOrderNo, String file, int line) {
        ObjectNode node = (ObjectNode) parse(file, line, body);
        node.put("type", "REFUND");
        node.put("partnerOrderNo", partnerOrderNo);
        return node.toString();
    }

    private static Example example(String file, int line, String json, Kind kind) {
        return new Example(file, line, json, kind, json.contains("...") || json.contains("…"), false);
    }

    /** An abbreviated example as JSON: {@code ,...} and {@code ...,} dropped, {@code {...}} empty. */
    static String normalised(String json) {
        return json.replace("{...}", "{}").replace("{…}", "{}").replace(",...", "").replace(",…", "")
                .replace("...,", "").replace("…,", "");
    }

    private static JsonNode parse(String file, int line, String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(file + " line " + line + ": not JSON (one document per line; abbreviate "
                    + "with ,... only): " + json, e);
        }
    }

    /** The JSON examples of README.md and of every docs/*.md. */
    @Test
    void everyJsonExampleInTheReadmeValidatesAgainstItsSchema() throws Exception {
        List<Example> examples = documentExamples();
        Map<Kind, Integer> counted = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int refused = 0;
        int envelopes = 0;
        for (Example example : examples) {
            if (example.providerEnvelope()) {
                envelopes++;
                String failure = envelopeFailure(example);
                if (failure != null) {
                    failures.add(example + ": " + failure);
                }
                continue;
            }
            counted.merge(example.kind(), 1, Integer::sum);
            var errors = MessageSchemas.errors(example.kind(), normalised(example.json())).stream()
                    // an abbreviated example leaves fields out: only what it shows is checked
                    .filter(error -> !(example.abbreviated() && "required".equals(error.getKeyword())))
                    .toList();
            if (example.mustFail()) {
                refused++;
                if (errors.isEmpty()) {
                    failures.add(example + ": the document says it is refused (400), but it validates");
                }
            } else if (!errors.isEmpty()) {
                failures.add(example + " (" + example.kind().file + "): " + errors);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // the extraction itself: the documents show all three kinds, complete ones too, and a refused command
        assertTrue(counted.getOrDefault(Kind.COMMAND, 0) >= 8, "commands found: " + counted);
        assertTrue(counted.getOrDefault(Kind.RESULT, 0) >= 6, "results found: " + counted);
        assertTrue(counted.getOrDefault(Kind.DEAD_LETTER_HEADERS, 0) >= 1, "dead letters found: " + counted);
        assertTrue(examples.stream().anyMatch(e -> e.kind() == Kind.RESULT && !e.abbreviated()),
                "a complete result example");
        assertTrue(refused >= 1, "a command the documents show refused");
        assertTrue(examples.stream().anyMatch(e -> e.file().equals("README.md") && e.kind() == Kind.COMMAND),
                "the README's first payment shows a command");
        assertTrue(envelopes >= 2 && examples.stream().anyMatch(e -> e.providerEnvelope() && !e.abbreviated()),
                "ScanForPay envelopes found (a complete one among them): " + envelopes);
    }

    /**
     * What is wrong with a ScanForPay envelope example, or null: {@code request} or {@code response} holding
     * {@code header} and {@code body}, and, unless abbreviated, the signature of those exact characters with
     * {@link #EXAMPLE_SIGN_KEY}, opened as the gateway opens answers.
     */
    static String envelopeFailure(Example example) {
        JsonNode node = parse(example.file(), example.line(), normalised(example.json()));
        String member = node.has("request") ? "request" : "response";
        if (node.has("request") == node.has("response") || !node.path("signature").isTextual()) {
            return "an envelope holds one of request or response, and a signature";
        }
        if (!node.path(member).path("header").isObject() || !node.path(member).path("body").isObject()) {
            return member + " must hold a header and a body";
        }
        if (example.abbreviated()) {
            return null;
        }
        try {
            new com.scanforpay.gateway.provider.ScanForPayEnvelope(MAPPER, new ScanForPaySigner(EXAMPLE_SIGN_KEY))
                    .open(example.json().getBytes(StandardCharsets.UTF_8), member, JsonNode.class, JsonNode.class);
            return null;
        } catch (RuntimeException e) {
            return "not signed with the example key (" + EXAMPLE_SIGN_KEY + "): " + e.getMessage();
        }
    }

    @Test
    void readmeExtractionPlacesEveryFormAndRefusesStrangers() {
        List<Example> examples = readmeExamples(List.of(
                "```bash",
                "curl -s -X POST 'http://127.0.0.1:8080/payments/o-1/refunds?wait=30s' -H \"$KEY\" \\",
                "  -d '{\"refundNo\":\"r-1\",\"orderAmount\":600}'",
                "# 200 {\"partnerOrderNo\":\"o-1\",\"type\":\"REFUND\",\"outcome\":\"SUCCESS\",...}",
                "curl -s -X POST 'http://127.0.0.1:8080/payments' -d '{\"partnerOrderNo\":\"x\"}'",
                "# 400 {\"type\":\"urn:scanforpay:problem:invalid-command\",...}",
                "```",
                "```json",
                "{\"scanforpay-error-code\":\"INVALID_JSON\"}",
                "{\"response\":{\"header\":{},\"body\":{\"code\":1,\"partnerOrderNo\":\"o-1\"}},\"signature\":\"...\"}",
                "```"));
        assertEquals(java.util.Arrays.asList(Kind.COMMAND, Kind.RESULT, Kind.COMMAND, Kind.DEAD_LETTER_HEADERS, null),
                examples.stream().map(Example::kind).toList());
        assertTrue(examples.get(4).providerEnvelope() && envelopeFailure(examples.get(4)) == null);
        assertTrue(examples.get(0).json().contains("\"type\":\"REFUND\"") && examples.get(0).json()
                .contains("\"partnerOrderNo\":\"o-1\""), examples.get(0).json());
        assertTrue(examples.get(1).abbreviated());
        assertTrue(examples.get(2).mustFail());
        assertFalse(examples.get(0).mustFail());

        assertThrows(List.of("```", "{\"hello\":1}", "```"));
        assertThrows(List.of("```bash", "echo '{\"partnerOrderNo\":\"p\"}' | kcat -P", "```"));
    }

    private static void assertThrows(List<String> readme) {
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> readmeExamples(readme),
                readme.toString());
    }

    // ---------------------------------------------------------------- what the gateway produces

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00.123456Z"), ZoneOffset.UTC);
    private static final PaymentResults RESULTS = new PaymentResults(CLOCK);
    private static final PaymentCommand PAY = new PaymentCommand(CommandType.PAY, "100010000000002", "o-1", null,
            "284447106610060508", 2100, "Coffee", "op-1", "t-1", null);
    private static final PaymentCommand QUERY = new PaymentCommand(CommandType.QUERY, "100010000000002", "o-1",
            null, null, null, null, null, null, null);
    private static final PaymentCommand QUERY_BY_ORDER_NO = new PaymentCommand(CommandType.QUERY,
            "100010000000002", null, "2018072518060757", null, null, null, null, null, null);
    private static final PaymentCommand REFUND = new PaymentCommand(CommandType.REFUND, null, "o-1", null, null, 600,
            null, null, null, "r-1");

    private static OrderResult order(Integer code, Integer status) {
        boolean success = code != null && code == OrderResult.CODE_SUCCESS;
        return success ? new OrderResult(code, "success", "2018072518060757", "o-1", 2100, "PayPay", status,
                "20180725180612", "JPY", "b***@example.com", "2088000000000001")
                : new OrderResult(code, code == null ? null : "declined", null, null, null, null, null, null, null,
                        null, null);
    }

    /** Every kind of result PaymentResults makes: each outcome, source and type it can. */
    static List<PaymentResult> producedResults() {
        List<PaymentResult> results = new ArrayList<>();
        for (Integer status : new Integer[] {0, 1, 2, 3, 9, null}) {
            results.add(RESULTS.fromOrder(PAY, ResultSource.PAY_RESPONSE, order(1, status), "m-1"));
            results.add(RESULTS.fromOrder(QUERY, ResultSource.QUERY, order(1, status), "m-2"));
            results.add(RESULTS.fromOrder(PAY, ResultSource.QUERY, order(1, status), "m-3"));
            results.add(RESULTS.fromNotify(order(1, status), "m-4"));
            results.add(RESULTS.fromRefund(REFUND, new RefundResult(1, "success", 600, status, "JPY"), "m-5"));
        }
        for (Integer code : new Integer[] {2, 30, null}) {
            results.add(RESULTS.fromOrder(PAY, ResultSource.PAY_RESPONSE, order(code, null), "m-6"));
            results.add(RESULTS.fromOrder(QUERY, ResultSource.QUERY, order(code, null), "m-7"));
            results.add(RESULTS.fromOrder(QUERY_BY_ORDER_NO, ResultSource.QUERY, order(code, null), "m-8"));
            results.add(RESULTS.fromRefund(REFUND, new RefundResult(code, "declined", null, null, null), "m-9"));
        }
        for (PaymentCommand command : List.of(PAY, QUERY, QUERY_BY_ORDER_NO, REFUND)) {
            ResultSource source = command.type() == CommandType.REFUND ? ResultSource.REFUND_RESPONSE
                    : ResultSource.QUERY;
            results.add(RESULTS.unknown(command, source, "no answer", null));
            results.add(RESULTS.rejected(command, new FieldError("$", "processing failed; nothing was sent")));
        }
        results.add(RESULTS.unknown(PAY, ResultSource.PAY_RESPONSE, "timeout", "m-10"));
        PaymentResult paid = RESULTS.fromOrder(PAY, ResultSource.PAY_RESPONSE, order(1, 1), "m-11");
        results.add(RESULTS.refundedInFull(paid, PAY, "m-12"));
        results.add(RESULTS.refundedInFull(null, PAY, "m-13"));
        // rejections as the parser makes them, of commands a producer really sent
        Partner partner = new Partner(Partners.DEFAULT, "10001", new ScanForPaySigner("a"), "https://pay.example");
        PaymentCommandParser parser = new PaymentCommandParser(Partners.single(partner, Optional.of("100010000000002")),
                8192);
        for (String invalid : List.of("{\"partnerOrderNo\":\"x\"}", "{\"type\":\"CAPTURE\",\"partnerOrderNo\":\"x\"}",
                "{\"type\":\"REFUND\",\"partnerOrderNo\":\"x\",\"orderAmount\":0}",
                "{\"type\":\"REFUND\",\"partnerOrderNo\":\"x\",\"refundNo\":\"r 1\",\"orderAmount\":5}",
                "{\"type\":\"QUERY\",\"partnerOrderNo\":\"x\",\"orderNo\":7}")) {
            ParsedCommand parsed = parser.parse(invalid.getBytes(StandardCharsets.UTF_8));
            assertTrue(parsed instanceof ParsedCommand.Rejected, invalid);
            results.add(RESULTS.rejected((ParsedCommand.Rejected) parsed));
        }
        return results;
    }

    @Test
    void everyResultTheGatewayMakesValidates() throws Exception {
        Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
        Set<ResultSource> sources = EnumSet.noneOf(ResultSource.class);
        for (PaymentResult result : producedResults()) {
            assertValid(Kind.RESULT, MAPPER.writeValueAsString(result));
            outcomes.add(result.outcome());
            sources.add(result.source());
        }
        assertEquals(EnumSet.allOf(Outcome.class), outcomes, "every outcome is produced and checked");
        assertEquals(EnumSet.allOf(ResultSource.class), sources, "every source is produced and checked");
    }

    @Test
    void theTestsCommandsValidate() {
        assertValid(Kind.COMMAND, Commands.pay("o-1", "284447106610060508", 2100));
        assertValid(Kind.COMMAND, Commands.pay("!~" + "x".repeat(30), "1", Integer.MAX_VALUE));
    }

    // ---------------------------------------------------------------- refused documents

    @Test
    void invalidDocumentsAreRefused() {
        String pay = "{\"partnerOrderNo\":\"o-1\",\"barcode\":\"284447106610060508\",\"orderAmount\":2100";
        assertValid(Kind.COMMAND, pay + "}");
        for (String command : List.of("[]", "\"PAY\"", "{}", "{\"partnerOrderNo\":\"o-1\"}",
                pay + ",\"type\":\"CAPTURE\"}", pay + ",\"type\":\"pay\"}", pay.replace("\"o-1\"", "\"o 1\"") + "}",
                pay.replace("\"o-1\"", "\"" + "o".repeat(33) + "\"") + "}", pay.replace("\"o-1\"", "\"\"") + "}",
                pay.replace("\"o-1\"", "\"o-1\\n\"") + "}", pay.replace("2100", "0") + "}",
                pay.replace("2100", "2147483648") + "}", pay.replace("2100", "\"2100\"") + "}",
                pay.replace("2100", "21.5") + "}", pay.replace("284447106610060508", "28444710661006050a") + "}",
                pay.replace("284447106610060508", "284447106610060508\\n") + "}",
                pay.replace("284447106610060508", "1".repeat(21)) + "}", pay + ",\"orderTitle\":\"a\\u0007b\"}",
                pay + ",\"orderTitle\":\"" + "t".repeat(101) + "\"}", pay + ",\"operatorId\":7}",
                pay + ",\"storeNo\":\"" + "1".repeat(16) + "\"}", "{\"type\":\"QUERY\"}",
                "{\"type\":\"QUERY\",\"partnerOrderNo\":null,\"orderNo\":null}",
                "{\"type\":\"QUERY\",\"orderNo\":\"a b\"}",
                "{\"type\":\"REFUND\",\"partnerOrderNo\":\"o-1\",\"orderAmount\":600}",
                "{\"type\":\"REFUND\",\"partnerOrderNo\":\"o-1\",\"refundNo\":\"r-1\",\"orderAmount\":-600}")) {
            assertInvalid(Kind.COMMAND, command);
        }

        String result = "{\"partnerOrderNo\":\"o-1\",\"type\":\"PAY\",\"outcome\":\"SUCCESS\","
                + "\"source\":\"PAY_RESPONSE\",\"timestamp\":\"2026-12-03T12:00:00Z\"";
        assertValid(Kind.RESULT, result + "}");
        for (String invalid : List.of("{}", result.replace("SUCCESS", "PAID") + "}",
                result.replace("PAY_RESPONSE", "KAFKA") + "}",
                result.replace("2026-12-03T12:00:00Z", "yesterday") + "}",
                result + ",\"code\":\"1\"}", result + ",\"errors\":[{\"field\":\"x\",\"message\":\"y\"}]}",
                result + ",\"refundNo\":\"r-1\"}", result.replace("PAY_RESPONSE", "VALIDATION") + "}",
                result.replace("SUCCESS", "REJECTED").replace("PAY_RESPONSE", "VALIDATION") + "}",
                result.replace("\"PAY\"", "\"REFUND\"").replace("PAY_RESPONSE", "REFUND_RESPONSE") + "}",
                result.replace("SUCCESS", "NOT_FOUND") + "}", result.replace("PAY_RESPONSE", "NOTIFY")
                        .replace("\"PAY\"", "\"QUERY\"") + "}")) {
            assertInvalid(Kind.RESULT, invalid);
        }

        String letter = "{\"scanforpay-error-code\":\"INVALID_JSON\",\"scanforpay-error-message\":\"$: not JSON\","
                + "\"scanforpay-source-topic\":\"scanforpay.payment.commands\",\"scanforpay-source-partition\":\"0\","
                + "\"scanforpay-source-offset\":\"42\"";
        assertValid(Kind.DEAD_LETTER_HEADERS, letter + "}");
        for (String invalid : List.of("{}", letter.replace("INVALID_JSON", "BROKEN") + "}",
                letter.replace("\"42\"", "\"-1\"") + "}", letter.replace("\"0\"", "0") + "}",
                letter + ",\"scanforpay-value-truncated\":\"0\"}", letter + ",\"x-other\":\"1\"}")) {
            assertInvalid(Kind.DEAD_LETTER_HEADERS, invalid);
        }
    }

    // ---------------------------------------------------------------- the AsyncAPI document

    @Test
    void theAsyncApiDocumentNamesTheTopicsAndTheSchemasAndPassesRedoclyLint() throws Exception {
        Path asyncapi = MessageSchemas.DOCS.resolve("asyncapi.yaml");
        JsonNode document = new YAMLMapper().readTree(asyncapi.toFile());
        assertEquals("3.0.0", document.path("asyncapi").asText());
        assertEquals(Map.of("paymentCommands", "scanforpay.payment.commands",
                "paymentResults", "scanforpay.payment.results", "deadLetters", "scanforpay.payment.commands.dlq"),
                Map.of("paymentCommands", document.at("/channels/paymentCommands/address").asText(),
                        "paymentResults", document.at("/channels/paymentResults/address").asText(),
                        "deadLetters", document.at("/channels/deadLetters/address").asText()));
        assertEquals("./schemas/" + Kind.COMMAND.file,
                document.at("/components/messages/PaymentCommand/payload/$ref").asText());
        assertEquals("./schemas/" + Kind.RESULT.file,
                document.at("/components/messages/PaymentResult/payload/$ref").asText());
        assertEquals("./schemas/" + Kind.DEAD_LETTER_HEADERS.file,
                document.at("/components/messages/DeadLetter/headers/$ref").asText());
        assertEquals("receive", document.at("/operations/receivePaymentCommand/action").asText());
        assertEquals("send", document.at("/operations/sendPaymentResult/action").asText());
        assertEquals("send", document.at("/operations/sendDeadLetter/action").asText());
        for (JsonNode example : document.at("/components/messages/PaymentCommand/examples")) {
            assertValid(Kind.COMMAND, example.get("payload").toString());
        }

        Redocly.lint(asyncapi).assertPasses(asyncapi.toString());

        // the lint does read AsyncAPI 3: a broken copy (with the schemas, for its relative $refs) fails
        Path copy = Path.of("target", "contract-lint");
        Files.createDirectories(copy.resolve("schemas"));
        for (Kind kind : Kind.values()) {
            Files.copy(kind.path(), copy.resolve("schemas").resolve(kind.file),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path broken = copy.resolve("asyncapi.yaml");
        Files.writeString(broken, Files.readString(asyncapi).replace("action: send", "action: publish"));
        Redocly.Lint lint = Redocly.lint(broken);
        assertTrue(lint.exitCode() != 0 && lint.output().contains("action"), lint.output());
    }
}
