package com.scanforpay.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Sealing and opening of the signed envelopes. All expected signatures were computed outside Java with
 * {@code sha256sum}, over exactly the inner JSON text followed by the key {@value #KEY}.
 */
class ScanForPayEnvelopeTest {

    private static final String KEY = "k3y-SandBox-2018";
    private static final String OTHER_KEY = "k3y-SandBox-2019";

    // ---- seal vectors -------------------------------------------------------------------------------------------

    private static final String FULL_PAY_INNER = "{\"header\":{\"requestTime\":\"2018-07-25T18:06:05+08:00\","
            + "\"partnerNo\":\"10001\",\"signType\":\"SHA256\",\"version\":\"1.0\","
            + "\"reqMsgId\":\"fd03f269318045758af08f8cf324fb0f\"},"
            + "\"body\":{\"storeNo\":\"100010000000002\",\"partnerOrderNo\":\"p20180725180605466813\","
            + "\"barcode\":\"284447106610060508\",\"orderAmount\":2100,\"orderTitle\":\"Consume\","
            + "\"operatorId\":\"211918\",\"terminalNo\":\"123456\","
            + "\"notifyUrl\":\"http://192.168.31.72:8080/scanforpay/notify\"}}";
    /*
     * printf '%s' '{"header":{"requestTime":"2018-07-25T18:06:05+08:00","partnerNo":"10001","signType":"SHA256","version":"1.0","reqMsgId":"fd03f269318045758af08f8cf324fb0f"},"body":{"storeNo":"100010000000002","partnerOrderNo":"p20180725180605466813","barcode":"284447106610060508","orderAmount":2100,"orderTitle":"Consume","operatorId":"211918","terminalNo":"123456","notifyUrl":"http://192.168.31.72:8080/scanforpay/notify"}}k3y-SandBox-2018' | sha256sum
     */
    private static final String FULL_PAY_SIGNATURE = "27aebeb5b9438e90407fc377815d631e6e8836abe5d97e197d685c8acc6e55d2";

    private static final String MINIMAL_PAY_INNER = "{\"header\":{\"requestTime\":\"2018-07-25T18:06:05+08:00\","
            + "\"partnerNo\":\"10001\",\"signType\":\"SHA256\",\"version\":\"1.0\","
            + "\"reqMsgId\":\"fd03f269318045758af08f8cf324fb0f\"},"
            + "\"body\":{\"storeNo\":\"100010000000002\",\"partnerOrderNo\":\"p20180725180605466813\","
            + "\"barcode\":\"284447106610060508\",\"orderAmount\":2100,\"orderTitle\":\"拿铁咖啡\"}}";
    /*
     * printf '%s' '{"header":{"requestTime":"2018-07-25T18:06:05+08:00","partnerNo":"10001","signType":"SHA256","version":"1.0","reqMsgId":"fd03f269318045758af08f8cf324fb0f"},"body":{"storeNo":"100010000000002","partnerOrderNo":"p20180725180605466813","barcode":"284447106610060508","orderAmount":2100,"orderTitle":"拿铁咖啡"}}k3y-SandBox-2018' | sha256sum
     */
    private static final String MINIMAL_PAY_SIGNATURE =
            "e483e9e70e89e250a4a23c126365530051b362a6f13a5a37636adb1a00fbf6a2";

    // ---- open vectors -------------------------------------------------------------------------------------------

    /** The {@code response} value of the provider's success sample, byte for byte as the document prints it. */
    private static final String SAMPLE_SUCCESS_INNER = "{\n"
            + "        \"header\": {\n"
            + "            \"partnerNo\": \"10001\",\n"
            + "            \"respTime\": \"2018-07-25T18:06:12+08:00\",\n"
            + "            \"signType\": \"SHA256\",\n"
            + "            \"version\": \"1.0\",\n"
            + "            \"reqMsgId\": \"213ca19e-c75f-450d-9acf-46e860570bb9\"\n"
            + "        },\n"
            + "        \"body\": {\n"
            + "            \"code\": 1,\n"
            + "            \"msg\": \"success\",\n"
            + "            \"orderNo\": \"2018072518060757\",\n"
            + "            \"partnerOrderNo\": \"p20180725180605466813\",\n"
            + "            \"payTime\": \"2018-07-25T18:06:12+08:00\",\n"
            + "            \"wallet\": \"Alipay\",\n"
            + "            \"currency\": \"JPY\",\n"
            + "            \"status\": 1,\n"
            + "            \"buyer\":\"cd****@qq.com\",\n"
            + "            \"buyerId\":\"208xxxxxxxxxx012\"\n"
            + "        }\n"
            + "    }";
    /*
     * printf '%b' '{\n        "header": {\n            "partnerNo": "10001",\n            "respTime": "2018-07-25T18:06:12+08:00",\n            "signType": "SHA256",\n            "version": "1.0",\n            "reqMsgId": "213ca19e-c75f-450d-9acf-46e860570bb9"\n        },\n        "body": {\n            "code": 1,\n            "msg": "success",\n            "orderNo": "2018072518060757",\n            "partnerOrderNo": "p20180725180605466813",\n            "payTime": "2018-07-25T18:06:12+08:00",\n            "wallet": "Alipay",\n            "currency": "JPY",\n            "status": 1,\n            "buyer":"cd****@qq.com",\n            "buyerId":"208xxxxxxxxxx012"\n        }\n    }k3y-SandBox-2018' | sha256sum
     * (cross-checked: the same digest results from slicing the value out of barcode-payment-original.txt)
     */
    private static final String SAMPLE_SUCCESS_SIGNATURE =
            "08a3489621bf3bdf0423b63f56c652055847cc99c65d5f9771a21abd1ce2ab9e";

    /** Odd formatting: CR LF, tabs, spaces before colons, body before header, unknown fields, respMsgId, Chinese. */
    private static final String ODD_FAILURE_INNER = "{ \"body\" :{\"msg\":\"订单不存在\" ,\t\"code\":30,"
            + "\"extra\":{\"nested\":[1,2,{\"x\":null}]}},\r\n"
            + "\t\"header\":\t{\"respMsgId\":\"c11fe1c7069b4399be0031830a5de63d\",\"version\":\"1.0\","
            + "\"signType\":\"SHA256\",\"respTime\":\"2018-07-25T17:37:14+08:00\",\"partnerNo\":\"10001\","
            + "\"newHeaderField\":true}\r\n"
            + "}";
    /*
     * printf '%b' '{ "body" :{"msg":"订单不存在" ,\t"code":30,"extra":{"nested":[1,2,{"x":null}]}},\r\n\t"header":\t{"respMsgId":"c11fe1c7069b4399be0031830a5de63d","version":"1.0","signType":"SHA256","respTime":"2018-07-25T17:37:14+08:00","partnerNo":"10001","newHeaderField":true}\r\n}k3y-SandBox-2018' | sha256sum
     */
    private static final String ODD_FAILURE_SIGNATURE =
            "0227b2db665b9cd5e882233d8c0932033be4edc59248363a159b7e010f9a15e3";

    /** The provider's own failure sample, verbatim: a missing comma after 30 and a trailing comma. */
    private static final String PROVIDER_FAILURE_SAMPLE = "{\n"
            + "    \"response\": {\n"
            + "        \"header\": {\n"
            + "            \"partnerNo\": \"10001\",\n"
            + "            \"respTime\": \"2018-07-25T17:37:14+08:00\",\n"
            + "            \"signType\": \"SHA256\",\n"
            + "            \"version\": \"1.0\",\n"
            + "            \"reqMsgId\": \"c11fe1c7-069b-4399-be00-31830a5de63d\"\n"
            + "        },\n"
            + "        \"body\": {\n"
            + "            \"code\": 30\n"
            + "            \"msg\": \"订单不存在\",\n"
            + "        }\n"
            + "    },\n"
            + "    \"signature\": \"5719065ecea463366cbf39b728b9b8cba940365c0c053dd96effde57f7edc1f8\"\n"
            + "}\n";

    private static final OrderResult SAMPLE_SUCCESS_BODY = new OrderResult(1, "success", "2018072518060757",
            "p20180725180605466813", null, "Alipay", 1, "2018-07-25T18:06:12+08:00", "JPY", "cd****@qq.com",
            "208xxxxxxxxxx012");

    private final ObjectMapper mapper = new ObjectMapper();
    private final ScanForPaySigner signer = new ScanForPaySigner(KEY);
    private final ScanForPayEnvelope envelope = new ScanForPayEnvelope(mapper, signer);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The provider's sample success response, pretty-printed as in the document, with the given signature. */
    private static String sampleSuccess(String signature) {
        return "{\n    \"response\": " + SAMPLE_SUCCESS_INNER + ",\n    \"signature\": \"" + signature + "\"\n}\n";
    }

    /** A compact response envelope signed (correctly) over exactly {@code inner}. */
    private String signedResponse(String inner) {
        return "{\"response\":" + inner + ",\"signature\":\"" + signer.sign(inner) + "\"}";
    }

    private OpenedEnvelope<ResponseHeader, OrderResult> openResponse(String raw) {
        return openResponse(utf8(raw));
    }

    private OpenedEnvelope<ResponseHeader, OrderResult> openResponse(byte[] raw) {
        return envelope.open(raw, ScanForPayEnvelope.RESPONSE, ResponseHeader.class, OrderResult.class);
    }

    private MalformedMessageException assertMalformed(String raw) {
        return assertThrows(MalformedMessageException.class, () -> openResponse(raw));
    }

    private SignatureMismatchException assertMismatch(String raw) {
        return assertThrows(SignatureMismatchException.class, () -> openResponse(raw));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static RequestHeader sampleHeader() {
        return new RequestHeader("2018-07-25T18:06:05+08:00", "10001", "SHA256", "1.0",
                "fd03f269318045758af08f8cf324fb0f");
    }

    // ---- seal ---------------------------------------------------------------------------------------------------

    @Test
    void sealWritesRequestThenSignatureOverTheExactInnerText() {
        PayRequest body = new PayRequest("100010000000002", "p20180725180605466813", "284447106610060508", 2100,
                "Consume", "211918", "123456", "http://192.168.31.72:8080/scanforpay/notify");

        SignedEnvelope sealed = envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(), body);

        assertEquals("{\"request\":" + FULL_PAY_INNER + ",\"signature\":\"" + FULL_PAY_SIGNATURE + "\"}",
                sealed.json());
        assertEquals(FULL_PAY_SIGNATURE, sealed.signature());
        assertArrayEquals(utf8(sealed.json()), sealed.bytes());
    }

    @Test
    void sealOmitsNullOptionalFieldsAndKeepsNonAsciiAsUtf8() {
        PayRequest body = new PayRequest("100010000000002", "p20180725180605466813", "284447106610060508", 2100,
                "拿铁咖啡", null, null, null);

        SignedEnvelope sealed = envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(), body);

        assertEquals("{\"request\":" + MINIMAL_PAY_INNER + ",\"signature\":\"" + MINIMAL_PAY_SIGNATURE + "\"}",
                sealed.json());
        assertEquals(MINIMAL_PAY_SIGNATURE, sealed.signature());
        // Non-ASCII text travels as UTF-8 bytes, not as \\u escapes.
        assertArrayEquals(utf8(sealed.json()), sealed.bytes());
        assertFalse(sealed.json().contains("\\u"), sealed.json());
    }

    @Test
    void sealKeepsTheDeclaredFieldOrder() throws Exception {
        PayRequest body = new PayRequest("100010000000002", "p20180725180605466813", "284447106610060508", 2100,
                "Consume", "211918", "123456", "http://192.168.31.72:8080/scanforpay/notify");
        JsonNode tree = mapper.readTree(envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(), body).json());

        assertEquals(List.of("request", "signature"), fieldNames(tree));
        assertEquals(List.of("header", "body"), fieldNames(tree.get("request")));
        assertEquals(List.of("requestTime", "partnerNo", "signType", "version", "reqMsgId"),
                fieldNames(tree.get("request").get("header")));
        assertEquals(List.of("storeNo", "partnerOrderNo", "barcode", "orderAmount", "orderTitle", "operatorId",
                "terminalNo", "notifyUrl"), fieldNames(tree.get("request").get("body")));
    }

    @Test
    void sealQueryAndRefundBodiesInDeclaredOrderWithoutNulls() {
        String header = "{\"header\":{\"requestTime\":\"2018-07-25T18:06:05+08:00\",\"partnerNo\":\"10001\","
                + "\"signType\":\"SHA256\",\"version\":\"1.0\",\"reqMsgId\":\"fd03f269318045758af08f8cf324fb0f\"},";

        SignedEnvelope query = envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(),
                new QueryRequest("100010000000002", null, "2018072518060757"));
        String queryInner = header + "\"body\":{\"storeNo\":\"100010000000002\",\"orderNo\":\"2018072518060757\"}}";
        assertEquals("{\"request\":" + queryInner + ",\"signature\":\"" + signer.sign(queryInner) + "\"}",
                query.json());

        SignedEnvelope refund = envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(),
                new RefundRequest("p20180725180605466813", "r1", 700, null, "123456"));
        String refundInner = header + "\"body\":{\"partnerOrderNo\":\"p20180725180605466813\",\"refundNo\":\"r1\","
                + "\"orderAmount\":700,\"terminalNo\":\"123456\"}}";
        assertEquals("{\"request\":" + refundInner + ",\"signature\":\"" + signer.sign(refundInner) + "\"}",
                refund.json());
    }

    @Test
    void sealUsesTheGivenMemberName() {
        SignedEnvelope sealed = envelope.seal(ScanForPayEnvelope.RESPONSE, sampleHeader(),
                new RefundResult(1, "success", 700, 1, "JPY"));
        String inner = "{\"header\":{\"requestTime\":\"2018-07-25T18:06:05+08:00\",\"partnerNo\":\"10001\","
                + "\"signType\":\"SHA256\",\"version\":\"1.0\",\"reqMsgId\":\"fd03f269318045758af08f8cf324fb0f\"},"
                + "\"body\":{\"code\":1,\"msg\":\"success\",\"orderAmount\":700,\"status\":1,\"currency\":\"JPY\"}}";
        assertEquals("{\"response\":" + inner + ",\"signature\":\"" + signer.sign(inner) + "\"}", sealed.json());
    }

    @Test
    void sealOrderResponseLikeTheSandboxWithoutDerivedProperties() {
        ResponseHeader header = new ResponseHeader("10001", "2018-07-25T18:06:12+08:00", "SHA256", "1.0",
                "213ca19e-c75f-450d-9acf-46e860570bb9", null);

        SignedEnvelope success = envelope.seal(ScanForPayEnvelope.RESPONSE, header, SAMPLE_SUCCESS_BODY);
        String successBody = "\"body\":{\"code\":1,\"msg\":\"success\",\"orderNo\":\"2018072518060757\","
                + "\"partnerOrderNo\":\"p20180725180605466813\",\"wallet\":\"Alipay\",\"status\":1,"
                + "\"payTime\":\"2018-07-25T18:06:12+08:00\",\"currency\":\"JPY\",\"buyer\":\"cd****@qq.com\","
                + "\"buyerId\":\"208xxxxxxxxxx012\"}}";
        assertBodyAndSignature(success, successBody);
        assertEquals(SAMPLE_SUCCESS_BODY, openResponse(success.bytes()).body());
        assertEquals(header, openResponse(success.bytes()).header());

        SignedEnvelope failure = envelope.seal(ScanForPayEnvelope.RESPONSE, header,
                new OrderResult(30, "订单不存在", null, null, null, null, null, null, null, null, null));
        assertBodyAndSignature(failure, "\"body\":{\"code\":30,\"msg\":\"订单不存在\"}}");
    }

    /** {@code sealed} is {"response":{"header":{...},<body>,"signature":"<sha256 of the inner text + key>"}. */
    private void assertBodyAndSignature(SignedEnvelope sealed, String bodyAndEnd) {
        String json = sealed.json();
        String prefix = "{\"response\":{\"header\":{";
        String suffix = "}," + bodyAndEnd + ",\"signature\":\"" + sealed.signature() + "\"}";
        assertEquals(prefix, json.substring(0, prefix.length()), json);
        assertEquals(suffix, json.substring(json.length() - suffix.length()), json);
        String inner = json.substring("{\"response\":".length(), json.length() - ",\"signature\":\"\"}".length() - 64);
        assertEquals(signer.sign(inner), sealed.signature());
    }

    @Test
    void sealedEnvelopeToStringShowsNoContent() {
        SignedEnvelope sealed = envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(),
                new PayRequest("100010000000002", "p1", "284447106610060508", 2100, null, null, null, null));
        assertEquals("SignedEnvelope[" + sealed.json().length() + " chars]", sealed.toString());
    }

    @Test
    void sealedRequestOpensAsRequestWithTheSameValues() {
        PayRequest body = new PayRequest("100010000000002", "p20180725180605466813", "284447106610060508", 2100,
                "拿铁咖啡", null, "123456", null);
        SignedEnvelope sealed = envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(), body);

        OpenedEnvelope<RequestHeader, PayRequest> opened = envelope.open(sealed.bytes(), ScanForPayEnvelope.REQUEST,
                RequestHeader.class, PayRequest.class);

        assertEquals(sampleHeader(), opened.header());
        assertEquals(body, opened.body());
    }

    @Test
    void sealedRequestIsNotAResponse() {
        SignedEnvelope sealed = envelope.seal(ScanForPayEnvelope.REQUEST, sampleHeader(),
                new QueryRequest("100010000000002", "p1", null));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> openResponse(sealed.bytes()));
        assertEquals("'response' is missing", e.getMessage());
    }

    // ---- open: accepted ----------------------------------------------------------------------------------------

    @Test
    void opensTheProviderSuccessSampleSignedOverItsPrettyPrintedText() {
        OpenedEnvelope<ResponseHeader, OrderResult> opened = openResponse(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE));

        ResponseHeader header = opened.header();
        assertEquals("10001", header.partnerNo());
        assertEquals("2018-07-25T18:06:12+08:00", header.respTime());
        assertEquals("SHA256", header.signType());
        assertEquals("1.0", header.version());
        assertEquals("213ca19e-c75f-450d-9acf-46e860570bb9", header.reqMsgId());
        assertNull(header.respMsgId());
        assertEquals("213ca19e-c75f-450d-9acf-46e860570bb9", header.messageId());

        assertEquals(SAMPLE_SUCCESS_BODY, opened.body());
        assertEquals(true, opened.body().isSuccess());
    }

    @Test
    void opensOddlyFormattedResponseWithRespMsgIdUnknownFieldsAndChineseMsg() {
        String raw = "\r\n{\r\n\t\"signature\" : \"" + ODD_FAILURE_SIGNATURE + "\" ,\r\n"
                + "  \"extra\": [1, {\"response\": 5, \"signature\": 6}],\r\n"
                + "  \"response\"  :  " + ODD_FAILURE_INNER + "\r\n}\r\n";

        OpenedEnvelope<ResponseHeader, OrderResult> opened = openResponse(raw);

        assertEquals(new ResponseHeader("10001", "2018-07-25T17:37:14+08:00", "SHA256", "1.0", null,
                "c11fe1c7069b4399be0031830a5de63d"), opened.header());
        assertEquals("c11fe1c7069b4399be0031830a5de63d", opened.header().messageId());
        assertEquals(new OrderResult(30, "订单不存在", null, null, null, null, null, null, null, null, null),
                opened.body());
        assertEquals(OrderResult.CODE_ORDER_NOT_FOUND, opened.body().code());
        assertEquals(false, opened.body().isSuccess());
    }

    @Test
    void acceptsUppercaseHexSignature() {
        OpenedEnvelope<ResponseHeader, OrderResult> opened =
                openResponse(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE.toUpperCase(Locale.ROOT)));
        assertEquals(SAMPLE_SUCCESS_BODY, opened.body());
    }

    @Test
    void acceptsUtf8ByteOrderMarkBeforeTheMessage() {
        byte[] text = utf8(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE));
        byte[] raw = new byte[text.length + 3];
        raw[0] = (byte) 0xEF;
        raw[1] = (byte) 0xBB;
        raw[2] = (byte) 0xBF;
        System.arraycopy(text, 0, raw, 3, text.length);
        assertEquals(SAMPLE_SUCCESS_BODY, openResponse(raw).body());
    }

    @Test
    void opensRefundResponse() {
        String inner = "{\"header\":{\"partnerNo\":\"10001\",\"respMsgId\":\"m1\"},"
                + "\"body\":{\"code\":1,\"msg\":\"success\",\"orderAmount\":700,\"status\":1,\"currency\":\"JPY\","
                + "\"refundNo\":\"r1\"}}";
        OpenedEnvelope<ResponseHeader, RefundResult> opened = envelope.open(utf8(signedResponse(inner)),
                ScanForPayEnvelope.RESPONSE, ResponseHeader.class, RefundResult.class);
        assertEquals(new RefundResult(1, "success", 700, RefundResult.STATUS_DONE, "JPY"), opened.body());
        assertEquals("m1", opened.header().messageId());
    }

    // ---- open: tampering -----------------------------------------------------------------------------------------

    @Test
    void changedBodyByteIsAMismatch() {
        String original = sampleSuccess(SAMPLE_SUCCESS_SIGNATURE);
        String tampered = original.replace("\"status\": 1,", "\"status\": 2,");
        assertNotEquals(original, tampered);

        SignatureMismatchException e = assertMismatch(tampered);
        assertEquals("signature does not match the message", e.getMessage());
    }

    @Test
    void changedWhitespaceInsideTheResponseIsAMismatch() {
        String original = sampleSuccess(SAMPLE_SUCCESS_SIGNATURE);
        String tampered = original.replace("\"code\": 1,", "\"code\":1,");
        assertNotEquals(original, tampered);
        assertMismatch(tampered);
    }

    @Test
    void whitespaceOutsideTheResponseIsNotSigned() {
        String reformatted = "{\"response\":" + SAMPLE_SUCCESS_INNER + "  ,  \"signature\":\""
                + SAMPLE_SUCCESS_SIGNATURE + "\"}";
        assertEquals(SAMPLE_SUCCESS_BODY, openResponse(reformatted).body());
    }

    @Test
    void otherKeyIsAMismatch() {
        ScanForPayEnvelope other = new ScanForPayEnvelope(mapper, new ScanForPaySigner(OTHER_KEY));
        assertThrows(SignatureMismatchException.class, () -> other.open(utf8(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE)),
                ScanForPayEnvelope.RESPONSE, ResponseHeader.class, OrderResult.class));
    }

    @Test
    void reserialisedResponseWithTheOriginalSignatureIsAMismatch() throws Exception {
        JsonNode response = mapper.readTree(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE)).get("response");
        String compact = mapper.writeValueAsString(response);
        String pretty = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(response);
        assertNotEquals(SAMPLE_SUCCESS_INNER, compact);
        assertNotEquals(SAMPLE_SUCCESS_INNER, pretty);

        assertMismatch("{\"response\":" + compact + ",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE + "\"}");
        assertMismatch("{\"response\":" + pretty + ",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE + "\"}");
        // The same texts with their own signature open to the same values: only the bytes differ.
        assertEquals(SAMPLE_SUCCESS_BODY, openResponse(signedResponse(compact)).body());
        assertEquals(SAMPLE_SUCCESS_BODY, openResponse(signedResponse(pretty)).body());
    }

    @Test
    void reorderedKeysWithTheOriginalSignatureIsAMismatch() throws Exception {
        JsonNode response = mapper.readTree(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE)).get("response");
        ObjectNode reordered = mapper.createObjectNode();
        reordered.set("body", response.get("body"));
        reordered.set("header", response.get("header"));
        String inner = mapper.writeValueAsString(reordered);
        assertEquals(List.of("body", "header"), fieldNames(mapper.readTree(inner)));

        assertMismatch("{\"response\":" + inner + ",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE + "\"}");
        assertEquals(SAMPLE_SUCCESS_BODY, openResponse(signedResponse(inner)).body());
    }

    @Test
    void truncatedSignatureIsRejected() {
        SignatureMismatchException e =
                assertMismatch(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE.substring(0, 63)));
        assertEquals("signature must be 64 hex characters", e.getMessage());
        assertMismatch(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE.substring(0, 62)));
    }

    @Test
    void missingSignatureIsRejected() {
        SignatureMismatchException e = assertMismatch("{\"response\":" + SAMPLE_SUCCESS_INNER + "}");
        assertEquals("signature is missing", e.getMessage());
        assertMismatch("{\"response\":" + SAMPLE_SUCCESS_INNER + ",\"signature\":\"\"}");
    }

    @Test
    void nonStringOrDuplicatedSignatureIsMalformed() {
        assertMalformed("{\"response\":" + SAMPLE_SUCCESS_INNER + ",\"signature\":null}");
        assertMalformed("{\"response\":" + SAMPLE_SUCCESS_INNER + ",\"signature\":1}");
        assertMalformed("{\"response\":" + SAMPLE_SUCCESS_INNER + ",\"signature\":[\"" + SAMPLE_SUCCESS_SIGNATURE
                + "\"]}");
        assertMalformed("{\"response\":" + SAMPLE_SUCCESS_INNER + ",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE
                + "\",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE + "\"}");
    }

    @Test
    void signatureIsCheckedBeforeTheBodyIsMapped() {
        String inner = "{\"header\":{\"partnerNo\":\"10001\"},\"body\":{\"code\":1,\"status\":\"x\"}}";
        assertMismatch("{\"response\":" + inner + ",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE + "\"}");
    }

    // ---- open: malformed ---------------------------------------------------------------------------------------

    @Test
    void providersOwnFailureSampleIsMalformed() {
        MalformedMessageException e = assertMalformed(PROVIDER_FAILURE_SAMPLE);
        assertEquals("message is not valid JSON", e.getMessage());
    }

    @Test
    void missingResponseIsMalformed() {
        MalformedMessageException e = assertMalformed("{\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE + "\"}");
        assertEquals("'response' is missing", e.getMessage());
        assertMalformed("{}");
        assertMalformed("{\"request\":" + SAMPLE_SUCCESS_INNER + ",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE
                + "\"}");
        // A "response" nested in another member does not count.
        assertMalformed("{\"wrapper\":{\"response\":" + SAMPLE_SUCCESS_INNER + "},\"signature\":\""
                + SAMPLE_SUCCESS_SIGNATURE + "\"}");
    }

    @Test
    void duplicatedResponseIsMalformed() {
        MalformedMessageException e = assertMalformed("{\"response\":" + SAMPLE_SUCCESS_INNER + ",\"response\":"
                + SAMPLE_SUCCESS_INNER + ",\"signature\":\"" + SAMPLE_SUCCESS_SIGNATURE + "\"}");
        assertEquals("'response' must occur once, as an object", e.getMessage());
        // Even when the first one is not an object.
        assertMalformed("{\"response\":null,\"response\":" + SAMPLE_SUCCESS_INNER + ",\"signature\":\""
                + SAMPLE_SUCCESS_SIGNATURE + "\"}");
    }

    @Test
    void responseThatIsNotAnObjectIsMalformed() {
        for (String value : new String[] {"null", "\"{}\"", "[]", "[" + SAMPLE_SUCCESS_INNER + "]", "1", "true"}) {
            MalformedMessageException e = assertMalformed("{\"response\":" + value + ",\"signature\":\""
                    + SAMPLE_SUCCESS_SIGNATURE + "\"}");
            assertEquals("'response' must occur once, as an object", e.getMessage(), value);
        }
    }

    @Test
    void messageThatIsNotAnObjectIsMalformed() {
        assertEquals("message is not a JSON object", assertMalformed("").getMessage());
        assertEquals("message is not a JSON object", assertMalformed("   ").getMessage());
        assertEquals("message is not a JSON object",
                assertMalformed("[" + sampleSuccess(SAMPLE_SUCCESS_SIGNATURE) + "]").getMessage());
        assertEquals("message is not a JSON object", assertMalformed("\"success\"").getMessage());
        assertMalformed("success");
    }

    @Test
    void trailingContentAfterTheMessageIsMalformed() {
        String raw = sampleSuccess(SAMPLE_SUCCESS_SIGNATURE);
        assertEquals("unexpected content after the message", assertMalformed(raw + "{}").getMessage());
        assertEquals("unexpected content after the message", assertMalformed(raw + "1").getMessage());
        assertEquals("unexpected content after the message", assertMalformed(raw + " \"x\"").getMessage());
        assertMalformed(raw + "}");
        assertMalformed(raw + "x");
        assertMalformed(raw + ",");
    }

    @Test
    void truncatedMessageIsMalformed() {
        String raw = sampleSuccess(SAMPLE_SUCCESS_SIGNATURE).trim();
        assertMalformed(raw.substring(0, raw.length() - 1));
        assertMalformed(raw.substring(0, raw.indexOf("\"signature\"")));
        assertMalformed(raw.substring(0, raw.indexOf("\"buyer\"")));
    }

    @Test
    void wrongTypeInBodyIsMalformedWithoutTheValue() {
        String secret = "SECRET-cd1234@qq.com-7f3a";
        String inner = "{\"header\":{\"partnerNo\":\"10001\"},"
                + "\"body\":{\"code\":1,\"msg\":\"success\",\"status\":\"" + secret + "\"}}";

        MalformedMessageException e = assertMalformed(signedResponse(inner));

        assertEquals("'body' has a field of the wrong type", e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), t.toString());
            assertFalse(String.valueOf(t.getMessage()).contains("SECRET"), t.toString());
        }
    }

    @Test
    void wrongTypeInHeaderIsMalformed() {
        String inner = "{\"header\":{\"partnerNo\":{\"a\":1}},\"body\":{\"code\":1,\"msg\":\"success\"}}";
        assertEquals("'header' has a field of the wrong type", assertMalformed(signedResponse(inner)).getMessage());
    }

    @Test
    void fractionalNumberIsNotTruncatedToAnInt() {
        // 1.9 must not be read as code 1 (success), nor 2100.5 as amount 2100.
        String code = "{\"header\":{\"partnerNo\":\"10001\"},\"body\":{\"code\":1.9,\"msg\":\"success\"}}";
        assertEquals("'body' has a field of the wrong type", assertMalformed(signedResponse(code)).getMessage());
        String amount = "{\"header\":{\"partnerNo\":\"10001\"},"
                + "\"body\":{\"code\":1,\"msg\":\"success\",\"orderAmount\":2100.5}}";
        assertMalformed(signedResponse(amount));
    }

    @Test
    void missingOrNonObjectHeaderOrBodyIsMalformed() {
        assertEquals("'body' is missing or not an object",
                assertMalformed(signedResponse("{\"header\":{\"partnerNo\":\"10001\"}}")).getMessage());
        assertEquals("'header' is missing or not an object",
                assertMalformed(signedResponse("{\"body\":{\"code\":1}}")).getMessage());
        assertEquals("'body' is missing or not an object",
                assertMalformed(signedResponse("{\"header\":{},\"body\":\"{}\"}")).getMessage());
        assertEquals("'header' is missing or not an object",
                assertMalformed(signedResponse("{\"header\":[],\"body\":{}}")).getMessage());
    }

    @Test
    void noBytesAtAllAreMalformed() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> openResponse((byte[]) null));
        assertEquals("message is not a JSON object", e.getMessage());
    }

    @Test
    void whatJacksonsOwnLimitsRefuseIsMalformed() {
        // Jackson reports these with no location: once a NullPointerException in the command parser
        String deep = "{\"response\":{\"x\":" + "[".repeat(1500) + "]".repeat(1500) + "},\"signature\":\""
                + SAMPLE_SUCCESS_SIGNATURE + "\"}";
        assertEquals("message is not valid JSON", assertMalformed(deep).getMessage());
        String longNumber = "{\"response\":{\"x\":" + "9".repeat(1500) + "},\"signature\":\""
                + SAMPLE_SUCCESS_SIGNATURE + "\"}";
        assertEquals("message is not valid JSON", assertMalformed(longNumber).getMessage());
        String longName = "{\"response\":{\"" + "n".repeat(50_001) + "\":1},\"signature\":\""
                + SAMPLE_SUCCESS_SIGNATURE + "\"}";
        assertEquals("message is not valid JSON", assertMalformed(longName).getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreMalformed() {
        byte[] raw = utf8(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE));
        int at = new String(raw, StandardCharsets.UTF_8).indexOf("Alipay");
        raw[at] = (byte) 0xC3; // a lead byte followed by an ASCII letter
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> openResponse(raw));
        assertEquals("message is not valid JSON", e.getMessage());
        // a UTF-32 byte order mark and nothing else
        assertEquals("message is not a JSON object", assertThrows(MalformedMessageException.class,
                () -> openResponse(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0})).getMessage());
    }

    @Test
    void utf16EncodedMessageIsMalformed() {
        // Jackson detects and reads UTF-16, but then cannot say which bytes were signed.
        String raw = signedResponse("{\"header\":{\"partnerNo\":\"10001\"},\"body\":{\"code\":1,\"msg\":\"success\"}}");
        for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16)) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> openResponse(raw.getBytes(charset)), charset.name());
            assertEquals("message is not UTF-8 JSON", e.getMessage(), charset.name());
        }
    }

    // ---- several partners -----------------------------------------------------------------------------------------

    private static final String PARTNER_B = "20002";
    private static final String KEY_B = "k3y-partner-b-2024";

    /** The keys of partners 10001 (KEY) and 20002 (KEY_B), noting which partnerNos were asked for. */
    private final List<String> asked = new ArrayList<>();
    private final PartnerKeys twoPartners = partnerNo -> {
        asked.add(partnerNo);
        return switch (partnerNo) {
            case "10001" -> Optional.of(signer);
            case PARTNER_B -> Optional.of(new ScanForPaySigner(KEY_B));
            default -> Optional.empty();
        };
    };

    private OpenedEnvelope<ResponseHeader, OrderResult> openNotify(byte[] raw) {
        return new ScanForPayEnvelope(mapper).open(raw, ScanForPayEnvelope.RESPONSE, twoPartners, ResponseHeader.class,
                OrderResult.class);
    }

    /** A response (notify) envelope naming {@code partnerNo} in its header, signed with {@code key}. */
    private SignedEnvelope notifyFrom(String partnerNo, String key) {
        ResponseHeader header = new ResponseHeader(partnerNo, "2018-07-25T18:06:12+08:00", "SHA256", "1.0", "m1", null);
        return new ScanForPayEnvelope(mapper).seal(new ScanForPaySigner(key), ScanForPayEnvelope.RESPONSE, header,
                SAMPLE_SUCCESS_BODY);
    }

    @Test
    void sealWithAGivenSignerIsTheSameAsWithAnEnvelopeOfThatKey() {
        PayRequest body = new PayRequest("100010000000002", "p20180725180605466813", "284447106610060508", 2100,
                "Consume", "211918", "123456", "http://192.168.31.72:8080/scanforpay/notify");
        ScanForPayEnvelope shared = new ScanForPayEnvelope(mapper);

        SignedEnvelope sealed = shared.seal(signer, ScanForPayEnvelope.REQUEST, sampleHeader(), body);
        assertEquals("{\"request\":" + FULL_PAY_INNER + ",\"signature\":\"" + FULL_PAY_SIGNATURE + "\"}",
                sealed.json());

        SignedEnvelope sealedForB = shared.seal(new ScanForPaySigner(KEY_B), ScanForPayEnvelope.REQUEST,
                sampleHeader(), body);
        assertNotEquals(FULL_PAY_SIGNATURE, sealedForB.signature());
        assertEquals(new ScanForPaySigner(KEY_B).sign(FULL_PAY_INNER), sealedForB.signature());
        // B's answer opens with B's key only
        assertEquals(body, shared.open(sealedForB.bytes(), ScanForPayEnvelope.REQUEST, new ScanForPaySigner(KEY_B),
                RequestHeader.class, PayRequest.class).body());
        assertThrows(SignatureMismatchException.class, () -> shared.open(sealedForB.bytes(),
                ScanForPayEnvelope.REQUEST, signer, RequestHeader.class, PayRequest.class));
    }

    @Test
    void anEnvelopeOfSeveralPartnersHasNoKeyOfItsOwn() {
        ScanForPayEnvelope shared = new ScanForPayEnvelope(mapper);
        assertThrows(IllegalStateException.class, () -> shared.seal(ScanForPayEnvelope.REQUEST, sampleHeader(),
                new QueryRequest("100010000000002", "p1", null)));
        assertThrows(IllegalStateException.class, () -> shared.open(utf8(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE)),
                ScanForPayEnvelope.RESPONSE, ResponseHeader.class, OrderResult.class));
    }

    @Test
    void givenSignerVerifiesTheProviderSampleOnItsRawBytes() {
        OpenedEnvelope<ResponseHeader, OrderResult> opened = new ScanForPayEnvelope(mapper).open(
                utf8(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE)), ScanForPayEnvelope.RESPONSE, signer,
                ResponseHeader.class, OrderResult.class);
        assertEquals(SAMPLE_SUCCESS_BODY, opened.body());
    }

    @Test
    void notifyIsVerifiedWithTheKeyOfThePartnerInItsHeader() {
        // the provider's pretty-printed sample names partner 10001: its raw bytes verify with 10001's key
        assertEquals(SAMPLE_SUCCESS_BODY, openNotify(utf8(sampleSuccess(SAMPLE_SUCCESS_SIGNATURE))).body());
        assertEquals(List.of("10001"), asked);

        asked.clear();
        OpenedEnvelope<ResponseHeader, OrderResult> fromB = openNotify(notifyFrom(PARTNER_B, KEY_B).bytes());
        assertEquals(PARTNER_B, fromB.header().partnerNo());
        assertEquals(SAMPLE_SUCCESS_BODY, fromB.body());
        assertEquals(List.of(PARTNER_B), asked, "only the named partner's key is looked up");
    }

    @Test
    void notifyClaimingOnePartnerButSignedWithAnothersKeyIsAMismatch() {
        SignatureMismatchException claimsB = assertThrows(SignatureMismatchException.class,
                () -> openNotify(notifyFrom(PARTNER_B, KEY).bytes()));
        assertEquals("signature does not match the message", claimsB.getMessage());
        assertFalse(claimsB instanceof UnknownPartnerException);

        assertThrows(SignatureMismatchException.class, () -> openNotify(notifyFrom("10001", KEY_B).bytes()));
    }

    @Test
    void notifyFromAnUnknownPartnerIsRefusedWithoutTryingAnyKey() {
        // signed correctly, with a key we hold, but naming a partner we do not know
        UnknownPartnerException unknown = assertThrows(UnknownPartnerException.class,
                () -> openNotify(notifyFrom("30003", KEY).bytes()));
        assertEquals("unknown partner: no sign key for partnerNo 30003", unknown.getMessage());
        assertEquals(List.of("30003"), asked);
        // a kind of signature failure: callers treating mismatches as "not authentic" refuse it too
        assertTrue(SignatureMismatchException.class.isInstance(unknown));
    }

    @Test
    void notifyNamingNoPartnerIsRefused() {
        for (String header : List.of("{\"respTime\":\"x\"}", "{\"partnerNo\":null}", "{\"partnerNo\":10001}",
                "{\"partnerNo\":\"\"}")) {
            String inner = "{\"header\":" + header + ",\"body\":{\"code\":1,\"msg\":\"success\"}}";
            UnknownPartnerException e = assertThrows(UnknownPartnerException.class,
                    () -> openNotify(utf8(signedResponse(inner))), header);
            assertEquals("unknown partner: the header names no partnerNo", e.getMessage());
        }
        assertTrue(asked.isEmpty());
        MalformedMessageException noHeader = assertThrows(MalformedMessageException.class,
                () -> openNotify(utf8(signedResponse("{\"body\":{\"code\":1}}"))));
        assertEquals("'header' is missing or not an object", noHeader.getMessage());
    }

    @Test
    void unknownPartnerNoIsQuotedOnlyWhenItLooksLikeOne() {
        String strange = "10001\\n<script>" + "x".repeat(40);
        String inner = "{\"header\":{\"partnerNo\":\"" + strange + "\"},\"body\":{\"code\":1}}";
        UnknownPartnerException e = assertThrows(UnknownPartnerException.class,
                () -> openNotify(utf8(signedResponse(inner))));
        assertEquals("unknown partner: the header's partnerNo is not one of ours", e.getMessage());
    }

    @Test
    void tamperedNotifyOfAKnownPartnerIsStillAMismatch() {
        String original = new String(notifyFrom(PARTNER_B, KEY_B).bytes(), StandardCharsets.UTF_8);
        String tampered = original.replace("\"status\":1", "\"status\":2");
        assertNotEquals(original, tampered);
        assertThrows(SignatureMismatchException.class, () -> openNotify(utf8(tampered)));
    }
}
