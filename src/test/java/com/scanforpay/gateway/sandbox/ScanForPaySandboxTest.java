package com.scanforpay.gateway.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.provider.MalformedMessageException;
import com.scanforpay.gateway.provider.OpenedEnvelope;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.PayRequest;
import com.scanforpay.gateway.provider.QueryRequest;
import com.scanforpay.gateway.provider.RefundRequest;
import com.scanforpay.gateway.provider.RefundResult;
import com.scanforpay.gateway.provider.RequestHeader;
import com.scanforpay.gateway.provider.ResponseHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.provider.SignatureMismatchException;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Talks to the sandbox over real HTTP, sealing requests and opening answers with the gateway's own envelope code. */
class ScanForPaySandboxTest {

    private static final String PARTNER_NO = "10001";
    private static final String SIGN_KEY = "sandbox-test-key";
    private static final String STORE_NO = "100010000000002";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ScanForPayEnvelope CLIENT = new ScanForPayEnvelope(MAPPER, new ScanForPaySigner(SIGN_KEY));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static ScanForPaySandbox sandbox;
    private static Receiver receiver;

    @BeforeAll
    static void startSandbox() throws IOException {
        sandbox = ScanForPaySandbox.start(SandboxSettings.defaults(PARTNER_NO, SIGN_KEY)
                .withLatency(Duration.ofMillis(10))
                .withSlowLatency(Duration.ofMillis(1500))
                .withWaitingResolvesAfter(Duration.ofMillis(300))
                .withNotifyRetryInterval(Duration.ofMillis(50))
                .withNotifyMaxAttempts(5));
        receiver = new Receiver();
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @BeforeEach
    void resetSandbox() {
        sandbox.reset();
        receiver.reset();
    }

    // ------------------------------------------------------------------------------------------------ pay

    @Test
    void paysAtOnceWithSignedResponse() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        String json = seal(new PayRequest(STORE_NO, partnerOrderNo, SandboxBarcodes.PAID, 2100, "Consume", "211918",
                "123456", null));
        HttpResponse<byte[]> response = post(ScanForPaySandbox.PAY_PATH, json);

        assertEquals(200, response.statusCode());
        OpenedEnvelope<ResponseHeader, OrderResult> opened = openOrder(response);
        OrderResult result = opened.body();
        assertEquals(1, result.code());
        assertEquals("success", result.msg());
        assertEquals(1, result.status());
        assertEquals("Alipay", result.wallet());
        assertEquals(partnerOrderNo, result.partnerOrderNo());
        assertEquals(2100, result.orderAmount());
        assertEquals("JPY", result.currency());
        assertNotNull(result.payTime());
        assertTrue(result.orderNo().matches("SFP\\d+") && result.orderNo().length() <= 32, result.orderNo());
        assertNull(result.buyer());

        ResponseHeader header = opened.header();
        assertEquals(PARTNER_NO, header.partnerNo());
        assertEquals("SHA256", header.signType());
        assertEquals("1.0", header.version());
        assertEquals(MAPPER.readTree(json).path("request").path("header").path("reqMsgId").asText(),
                header.reqMsgId());
        assertTrue(header.respTime().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d"),
                header.respTime());
        assertFalse(new String(response.body(), StandardCharsets.UTF_8).contains("respMsgId"));

        SandboxOrder order = sandbox.order(partnerOrderNo).orElseThrow();
        assertEquals(SandboxOrder.PAID, order.status());
        assertEquals(result.orderNo(), order.orderNo());
        assertEquals(2100, order.amount());
        assertEquals(STORE_NO, order.storeNo());
        List<SandboxCall> calls = sandbox.calls(ScanForPaySandbox.PAY_PATH);
        assertEquals(1, calls.size());
        assertTrue(calls.get(0).signatureValid());
        assertEquals(partnerOrderNo, calls.get(0).partnerOrderNo());
        assertEquals(1, sandbox.payCalls(partnerOrderNo));
    }

    @Test
    void walletFollowsTheBarcodePrefixAndBuyerScenarioReportsBuyer() throws Exception {
        OrderResult wechat = pay(OrderNumbers.next("t"), "134567890123456789", 500, null);
        assertEquals(1, wechat.status());
        assertEquals("Wechat", wechat.wallet());

        OrderResult withBuyer = pay(OrderNumbers.next("t"), SandboxBarcodes.PAID_WITH_BUYER, 500, null);
        assertEquals(1, withBuyer.status());
        assertEquals("cd****@qq.com", withBuyer.buyer());
        assertEquals("208xxxxxxxxxx012", withBuyer.buyerId());
    }

    @Test
    void declinedPaymentIsABusinessFailureAndTheOrderFailed() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        OrderResult result = pay(partnerOrderNo, SandboxBarcodes.DECLINED, 2100, null);

        assertEquals(51, result.code());
        assertEquals("insufficient balance", result.msg());
        assertNull(result.status());
        assertNull(result.orderNo());
        assertEquals(SandboxOrder.FAILED, sandbox.order(partnerOrderNo).orElseThrow().status());
        assertEquals(2, query(partnerOrderNo, null).status());
    }

    @Test
    void waitingPaymentBecomesPaidAfterTheWait() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        OrderResult result = pay(partnerOrderNo, SandboxBarcodes.WAITING_THEN_PAID, 2100, null);
        assertEquals(1, result.code());
        assertEquals(0, result.status());
        assertNull(result.payTime());
        assertEquals(0, query(partnerOrderNo, null).status());

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> query(partnerOrderNo, null).status() == 1);
        OrderResult paid = query(null, result.orderNo());
        assertEquals(partnerOrderNo, paid.partnerOrderNo());
        assertNotNull(paid.payTime());
        assertEquals(SandboxOrder.PAID, sandbox.order(partnerOrderNo).orElseThrow().status());
    }

    @Test
    void waitingPaymentCanFailAfterTheWait() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        assertEquals(0, pay(partnerOrderNo, SandboxBarcodes.WAITING_THEN_FAILED, 2100, null).status());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> query(partnerOrderNo, null).status() == 2);
    }

    @Test
    void duplicatePartnerOrderNoIsRefusedAndNotChargedTwice() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        OrderResult first = pay(partnerOrderNo, SandboxBarcodes.PAID, 2100, null);
        assertEquals(1, first.status());

        OrderResult second = pay(partnerOrderNo, SandboxBarcodes.PAID, 2100, null);
        assertEquals(20, second.code());
        assertEquals("duplicate partnerOrderNo", second.msg());
        assertNull(second.orderNo());

        assertEquals(2, sandbox.payCalls(partnerOrderNo));
        assertEquals(1, sandbox.orders().size());
        assertEquals(first.orderNo(), sandbox.order(partnerOrderNo).orElseThrow().orderNo());
        assertEquals(2100, sandbox.order(partnerOrderNo).orElseThrow().amount());
    }

    @Test
    void wrongRequestSignatureOrPartnerIsASignatureError() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        PayRequest body = payRequest(partnerOrderNo, SandboxBarcodes.PAID, 2100, null);
        ScanForPayEnvelope otherKey = new ScanForPayEnvelope(MAPPER, new ScanForPaySigner("some-other-key"));
        String wrongKey = otherKey.seal(ScanForPayEnvelope.REQUEST, header(PARTNER_NO), body).json();

        OrderResult result = openOrder(post(ScanForPaySandbox.PAY_PATH, wrongKey)).body();
        assertEquals(10, result.code());
        assertEquals("signature error", result.msg());

        String wrongPartner = CLIENT.seal(ScanForPayEnvelope.REQUEST, header("99999"), body).json();
        assertEquals(10, openOrder(post(ScanForPaySandbox.PAY_PATH, wrongPartner)).body().code());

        String unsigned = "{\"request\":" + MAPPER.writeValueAsString(MAPPER.readTree(wrongKey).get("request")) + "}";
        assertEquals(10, openOrder(post(ScanForPaySandbox.PAY_PATH, unsigned)).body().code());

        assertTrue(sandbox.order(partnerOrderNo).isEmpty());
        assertEquals(3, sandbox.payCalls(partnerOrderNo));
        assertTrue(sandbox.calls().stream().noneMatch(SandboxCall::signatureValid));
    }

    @Test
    void malformedRequestAndInvalidFieldsAreRefused() throws Exception {
        OrderResult notJson = openOrder(post(ScanForPaySandbox.PAY_PATH, "{\"request\": {")).body();
        assertEquals(11, notJson.code());
        assertEquals("invalid request", notJson.msg());

        OrderResult badBarcode = pay(OrderNumbers.next("t"), "28444710661006050X", 2100, null);
        assertEquals(12, badBarcode.code());
        assertTrue(badBarcode.msg().contains("barcode"), badBarcode.msg());

        OrderResult tooLong = pay(OrderNumbers.next("t"), "284447106610060508123", 2100, null);
        assertEquals(12, tooLong.code());
        assertTrue(tooLong.msg().contains("barcode"), tooLong.msg());

        OrderResult noStore = openOrder(post(ScanForPaySandbox.PAY_PATH,
                seal(new PayRequest(null, OrderNumbers.next("t"), SandboxBarcodes.PAID, 100, null, null, null, null))))
                .body();
        assertEquals(12, noStore.code());
        assertTrue(noStore.msg().contains("storeNo"), noStore.msg());

        OrderResult zeroAmount = pay(OrderNumbers.next("t"), SandboxBarcodes.PAID, 0, null);
        assertEquals(12, zeroAmount.code());
        assertTrue(zeroAmount.msg().contains("orderAmount"), zeroAmount.msg());
        assertTrue(sandbox.orders().isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ query

    @Test
    void queryOfAnUnknownOrderIsCode30() throws Exception {
        OrderResult result = query(OrderNumbers.next("t"), null);
        assertEquals(30, result.code());
        assertEquals("订单不存在", result.msg());
        assertEquals(30, query(null, "SFP0000").code());
        assertEquals(12, query(null, null).code());
    }

    @Test
    void queryPrefersOrderNo() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        OrderResult paid = pay(partnerOrderNo, SandboxBarcodes.PAID_WITH_BUYER, 700, null);
        OrderResult byOrderNo = query("another-order", paid.orderNo());
        assertEquals(1, byOrderNo.code());
        assertEquals(partnerOrderNo, byOrderNo.partnerOrderNo());
        assertEquals(700, byOrderNo.orderAmount());
        assertEquals("cd****@qq.com", byOrderNo.buyer());
        assertEquals(partnerOrderNo, sandbox.calls(ScanForPaySandbox.QUERY_PATH).get(0).partnerOrderNo());
    }

    // ------------------------------------------------------------------------------------------------ refund

    @Test
    void refundRules() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        assertEquals(1, pay(partnerOrderNo, SandboxBarcodes.PAID, 1000, null).status());

        RefundResult first = refund(partnerOrderNo, "r1-" + partnerOrderNo, 600);
        assertEquals(1, first.code());
        assertEquals(1, first.status());
        assertEquals(600, first.orderAmount());
        assertEquals("JPY", first.currency());
        assertEquals(1, query(partnerOrderNo, null).status());

        RefundResult duplicate = refund(partnerOrderNo, "r1-" + partnerOrderNo, 100);
        assertEquals(41, duplicate.code());
        assertEquals("duplicate refundNo", duplicate.msg());

        RefundResult tooMuch = refund(partnerOrderNo, "r2-" + partnerOrderNo, 401);
        assertEquals(42, tooMuch.code());
        assertEquals("refund amount exceeds paid amount", tooMuch.msg());
        assertEquals(600, sandbox.order(partnerOrderNo).orElseThrow().refundedAmount());

        RefundResult rest = refund(partnerOrderNo, "r3-" + partnerOrderNo, 400);
        assertEquals(1, rest.code());
        assertEquals(400, rest.orderAmount());
        assertEquals(3, query(partnerOrderNo, null).status());
        SandboxOrder order = sandbox.order(partnerOrderNo).orElseThrow();
        assertEquals(SandboxOrder.REFUNDED, order.status());
        assertEquals(1000, order.refundedAmount());

        assertEquals(42, refund(partnerOrderNo, "r4-" + partnerOrderNo, 1).code());
    }

    @Test
    void refundOfUnknownOrUnpaidOrderIsRefused() throws Exception {
        assertEquals(30, refund(OrderNumbers.next("t"), "r-unknown", 100).code());

        String waiting = OrderNumbers.next("t");
        assertEquals(0, pay(waiting, SandboxBarcodes.WAITING_THEN_PAID, 1000, null).status());
        RefundResult notPaid = refund(waiting, "r-waiting", 100);
        assertEquals(40, notPaid.code());
        assertEquals("order not paid", notPaid.msg());

        String declined = OrderNumbers.next("t");
        pay(declined, SandboxBarcodes.DECLINED, 1000, null);
        assertEquals(40, refund(declined, "r-declined", 100).code());
    }

    @Test
    void aFailedRefundIsStatus2AndRefundsNothing() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        assertEquals(1, pay(partnerOrderNo, SandboxBarcodes.PAID, 1000, null).status());

        String failedNo = SandboxBarcodes.FAILED_REFUND_PREFIX + partnerOrderNo.substring(0, 20);
        RefundResult failed = refund(partnerOrderNo, failedNo, 1000);
        assertEquals(1, failed.code());
        assertEquals(2, failed.status());
        assertEquals(1000, failed.orderAmount());
        assertEquals(0, sandbox.order(partnerOrderNo).orElseThrow().refundedAmount());
        assertEquals(1, query(partnerOrderNo, null).status(), "still paid");

        assertEquals(41, refund(partnerOrderNo, failedNo, 10).code(), "its refundNo is used");
        assertEquals(1, refund(partnerOrderNo, "r1-" + partnerOrderNo, 1000).status(), "the whole amount is left");
    }

    @Test
    void aRefundThroughThePortalCountsAgainstLaterRefunds() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        assertEquals(1, pay(partnerOrderNo, SandboxBarcodes.PAID, 1000, null).status());
        sandbox.refundThroughPortal(partnerOrderNo, "portal-" + partnerOrderNo, 700);

        assertEquals(42, refund(partnerOrderNo, "r1-" + partnerOrderNo, 301).code());
        assertEquals(41, refund(partnerOrderNo, "portal-" + partnerOrderNo, 100).code());
        assertEquals(1, refund(partnerOrderNo, "r2-" + partnerOrderNo, 300).status());
        assertEquals(SandboxOrder.REFUNDED, sandbox.order(partnerOrderNo).orElseThrow().status());
    }

    // ------------------------------------------------------------------------------------------------ protocol

    /*
     * The sandbox and the tests' notifications are built with the gateway's own envelope and records, so a mistake
     * in a field's name or in the signing would be made on both sides and pass. These checks read the wire text
     * against docs/provider-protocol.md only: field names written out here, signatures computed by coreutils' sha256sum.
     */

    /** the response header of docs/provider-protocol.md §2, and the body of pay, payQuery and notify. */
    private static final Set<String> RESPONSE_HEADER = Set.of("partnerNo", "respTime", "signType", "version",
            "reqMsgId");
    private static final Set<String> ORDER_BODY = Set.of("code", "msg", "orderNo", "partnerOrderNo", "orderAmount",
            "wallet", "status", "payTime", "currency", "buyer", "buyerId");
    private static final Set<String> REFUND_BODY = Set.of("code", "msg", "orderAmount", "status", "currency");

    @Test
    void aRefundWrittenByHandFromTheProtocolIsTakenAndItsAnswerIsSignedAsTheProtocolSays() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        assertEquals(1, pay(partnerOrderNo, SandboxBarcodes.PAID, 1000, null).status());
        // docs/provider-protocol.md's field names, typed out: a misnamed field in the shared records would not be understood
        String member = "{\"header\":{\"requestTime\":\"2026-11-26T10:00:00+08:00\",\"partnerNo\":\"" + PARTNER_NO
                + "\",\"signType\":\"SHA256\",\"version\":\"1.0\",\"reqMsgId\":\"hand0000000000000000000000000001\"},"
                + "\"body\":{\"partnerOrderNo\":\"" + partnerOrderNo + "\",\"refundNo\":\"hand-" + partnerOrderNo
                + "\",\"orderAmount\":600}}";
        String request = "{\"request\":" + member + ",\"signature\":\"" + sha256sum(member + SIGN_KEY) + "\"}";

        String answer = new String(post(ScanForPaySandbox.REFUND_PATH, request).body(), StandardCharsets.UTF_8);

        var body = assertSignedAsTheProtocolSays(answer, "hand0000000000000000000000000001");
        assertEquals(REFUND_BODY, names(body));
        assertEquals(1, body.get("code").asInt());
        assertEquals(1, body.get("status").asInt(), "done");
        assertEquals(600, body.get("orderAmount").asInt(), "the refunded amount");
        assertEquals(600, sandbox.order(partnerOrderNo).orElseThrow().refundedAmount());
    }

    @Test
    void payQueryAndNotifyAnswersAreSignedAndNamedAsTheProtocolSays() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        String payRequest = seal(payRequest(partnerOrderNo, SandboxBarcodes.PAID_WITH_BUYER, 2100, receiver.url()));
        String payAnswer = new String(post(ScanForPaySandbox.PAY_PATH, payRequest).body(), StandardCharsets.UTF_8);
        var paid = assertSignedAsTheProtocolSays(payAnswer,
                MAPPER.readTree(payRequest).path("request").path("header").path("reqMsgId").asText());
        assertEquals(ORDER_BODY, names(paid));
        assertEquals(1, paid.get("status").asInt());
        assertEquals(2100, paid.get("orderAmount").asInt());

        String queryRequest = seal(new QueryRequest(STORE_NO, partnerOrderNo, null));
        String queryAnswer = new String(post(ScanForPaySandbox.QUERY_PATH, queryRequest).body(),
                StandardCharsets.UTF_8);
        assertEquals(ORDER_BODY, names(assertSignedAsTheProtocolSays(queryAnswer,
                MAPPER.readTree(queryRequest).path("request").path("header").path("reqMsgId").asText())));

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received.size() == 2);
        var notified = assertSignedAsTheProtocolSays(receiver.received.get(0), null);
        assertEquals(ORDER_BODY, names(notified));
        assertEquals(partnerOrderNo, notified.get("partnerOrderNo").asText());
    }

    @Test
    void theTestsOwnNotificationsAreSignedAndNamedAsTheProtocolSays() throws Exception {
        String text = new String(new com.scanforpay.gateway.testing.Notifications(PARTNER_NO, SIGN_KEY)
                .signed("nt-protocol-1", OrderResult.STATUS_PAID, 2100), StandardCharsets.UTF_8);

        var body = assertSignedAsTheProtocolSays(text, null);
        assertEquals(ORDER_BODY, names(body));
        assertEquals("nt-protocol-1", body.get("partnerOrderNo").asText());
        assertEquals(1, body.get("code").asInt());
        assertEquals(1, body.get("status").asInt(), "paid");
        assertEquals(2100, body.get("orderAmount").asInt());
    }

    /**
     * Checks a response (or notify) text against docs/provider-protocol.md: {@code {"response":{...},"signature":"hex"}}, the
     * signature {@code sha256(response member as sent + key)} by sha256sum, the header's fields and partnerNo (and
     * its message id when given); returns the body.
     */
    private static com.fasterxml.jackson.databind.JsonNode assertSignedAsTheProtocolSays(String text,
            String reqMsgId) throws Exception {
        var envelope = java.util.regex.Pattern.compile("\\{\"response\":(.*),\"signature\":\"([0-9a-f]{64})\"}",
                java.util.regex.Pattern.DOTALL).matcher(text);
        assertTrue(envelope.matches(), text);
        assertEquals(sha256sum(envelope.group(1) + SIGN_KEY), envelope.group(2), "signature of " + text);
        var response = MAPPER.readTree(envelope.group(1));
        assertEquals(Set.of("header", "body"), names(response));
        var header = response.get("header");
        assertEquals(RESPONSE_HEADER, names(header));
        assertEquals(PARTNER_NO, header.get("partnerNo").asText());
        assertEquals("SHA256", header.get("signType").asText());
        assertEquals("1.0", header.get("version").asText());
        if (reqMsgId != null) {
            assertEquals(reqMsgId, header.get("reqMsgId").asText());
        }
        return response.get("body");
    }

    private static Set<String> names(com.fasterxml.jackson.databind.JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Lowercase hex SHA-256 of the UTF-8 bytes of {@code text}, computed by coreutils, not by Java. */
    private static String sha256sum(String text) throws Exception {
        Process process = new ProcessBuilder("sha256sum").start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0, "sha256sum failed");
        return out.substring(0, 64);
    }

    // ------------------------------------------------------------------------------------------------ faults

    @Test
    void http500CreatesNoOrder() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        HttpResponse<byte[]> response = post(ScanForPaySandbox.PAY_PATH,
                seal(payRequest(partnerOrderNo, SandboxBarcodes.HTTP_500, 2100, null)));
        assertEquals(500, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertThrows(MalformedMessageException.class, () -> openOrder(response));
        assertTrue(sandbox.order(partnerOrderNo).isEmpty());
        assertEquals(1, sandbox.payCalls(partnerOrderNo));
        assertEquals(30, query(partnerOrderNo, null).code());
    }

    @Test
    void malformedResponseCannotBeOpenedButTheOrderIsPaid() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        HttpResponse<byte[]> response = post(ScanForPaySandbox.PAY_PATH,
                seal(payRequest(partnerOrderNo, SandboxBarcodes.MALFORMED, 2100, null)));
        assertEquals(200, response.statusCode());
        assertThrows(MalformedMessageException.class, () -> openOrder(response));
        assertEquals(SandboxOrder.PAID, sandbox.order(partnerOrderNo).orElseThrow().status());
        assertEquals(1, query(partnerOrderNo, null).status());
    }

    @Test
    void badlySignedResponseFailsVerificationButTheOrderIsPaid() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        HttpResponse<byte[]> response = post(ScanForPaySandbox.PAY_PATH,
                seal(payRequest(partnerOrderNo, SandboxBarcodes.BAD_SIGNATURE, 2100, null)));
        assertEquals(200, response.statusCode());
        assertEquals(1, MAPPER.readTree(response.body()).path("response").path("body").path("status").asInt());
        assertThrows(SignatureMismatchException.class, () -> openOrder(response));
        assertEquals(1, query(partnerOrderNo, null).status());
    }

    @Test
    void slowPaymentTimesOutTheClientButIsPaidAtArrival() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + ScanForPaySandbox.PAY_PATH))
                .timeout(Duration.ofMillis(300))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        seal(payRequest(partnerOrderNo, SandboxBarcodes.SLOW, 2100, null))))
                .build();
        assertThrows(HttpTimeoutException.class, () -> HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        assertEquals(1, query(partnerOrderNo, null).status());
    }

    @Test
    void waitingSlowQueriesIsWaitingForGoodAndItsQueriesAnswerOnlyAfterTheSlowLatency() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        OrderResult waiting = pay(partnerOrderNo, SandboxBarcodes.WAITING_SLOW_QUERIES, 2100, receiver.url());
        assertEquals(0, waiting.status());

        HttpRequest cutShort = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + ScanForPaySandbox.QUERY_PATH))
                .timeout(Duration.ofMillis(300))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(seal(new QueryRequest(STORE_NO, partnerOrderNo, null))))
                .build();
        assertThrows(HttpTimeoutException.class, () -> HTTP.send(cutShort, HttpResponse.BodyHandlers.ofByteArray()));

        long asked = System.nanoTime();
        assertEquals(0, query(partnerOrderNo, null).status(), "still waiting, long after waitingResolvesAfter");
        assertTrue(Duration.ofNanos(System.nanoTime() - asked).compareTo(sandbox.settings().slowLatency()) >= 0,
                "the query answered only after the slow latency");
        assertEquals(SandboxOrder.WAITING, sandbox.order(partnerOrderNo).orElseThrow().status());
        assertEquals(List.of(), sandbox.notificationsDelivered());
    }

    /**
     * No clock: a query of a {@link SandboxBarcodes#WAITING_SLOW_QUERIES} payment, asked first, is still unanswered
     * when the pay answer of a second one has arrived. On a sandbox whose slow latency is far past the test.
     */
    @Test
    void waitingSlowQueriesAnswersThePayAtOnceAndOnlyTheQueryLate() throws Exception {
        try (ScanForPaySandbox patient = ScanForPaySandbox.start(SandboxSettings.defaults(PARTNER_NO, SIGN_KEY)
                .withSlowLatency(Duration.ofMinutes(10)))) {
            String first = OrderNumbers.next("t");
            assertEquals(0, openOrder(post(patient, ScanForPaySandbox.PAY_PATH,
                    seal(payRequest(first, SandboxBarcodes.WAITING_SLOW_QUERIES, 2100, null)))).body().status());
            CompletableFuture<HttpResponse<byte[]>> slowQuery = HTTP.sendAsync(request(patient,
                    ScanForPaySandbox.QUERY_PATH, seal(new QueryRequest(STORE_NO, first, null))),
                    HttpResponse.BodyHandlers.ofByteArray());
            await("the query arrived").atMost(Duration.ofSeconds(30))
                    .until(() -> patient.calls(ScanForPaySandbox.QUERY_PATH).size() == 1);

            String second = OrderNumbers.next("t");
            OrderResult secondPaid = openOrder(post(patient, ScanForPaySandbox.PAY_PATH,
                    seal(payRequest(second, SandboxBarcodes.WAITING_SLOW_QUERIES, 2100, null)))).body();

            assertEquals(0, secondPaid.status());
            assertFalse(slowQuery.isDone(), "the query asked before is still unanswered: only queries are slow");
        }
    }

    @Test
    void waitingHeldQueriesIsWaitingForGoodAndEveryQueryIsHeldUntilReleased() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        OrderResult waiting = pay(partnerOrderNo, SandboxBarcodes.WAITING_HELD_QUERIES, 2100, receiver.url());
        assertEquals(0, waiting.status(), "the pay answer is not held");
        assertTrue(sandbox.held().isEmpty());

        for (int query = 1; query <= 2; query++) {
            CompletableFuture<HttpResponse<byte[]>> answer = HTTP.sendAsync(request(sandbox,
                    ScanForPaySandbox.QUERY_PATH, seal(new QueryRequest(STORE_NO, partnerOrderNo, null))),
                    HttpResponse.BodyHandlers.ofByteArray());
            await("query " + query + " held").atMost(Duration.ofSeconds(30))
                    .until(() -> sandbox.held().contains(partnerOrderNo));
            assertFalse(answer.isDone(), "held until released");

            sandbox.release(partnerOrderNo);
            OrderResult result = openOrder(answer.get(30, TimeUnit.SECONDS)).body();
            assertEquals(0, result.status(), "still waiting");
            assertEquals(waiting.orderNo(), result.orderNo());
            assertTrue(sandbox.held().isEmpty());
        }
        assertEquals(SandboxOrder.WAITING, sandbox.order(partnerOrderNo).orElseThrow().status());
        assertEquals(List.of(), sandbox.notificationsDelivered());
        assertEquals(0, sandbox.notificationsUnderway(), "waiting for good: nothing will be notified");
    }

    @Test
    void hundredsOfHeldRequestsAreInFlightAtOnceUntilReleased() throws Exception {
        // One connection per request, as a gateway with a connection pool would open under load.
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        int count = 200;
        List<String> orders = new ArrayList<>();
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String partnerOrderNo = OrderNumbers.next("t");
            orders.add(partnerOrderNo);
            HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + ScanForPaySandbox.PAY_PATH))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            seal(payRequest(partnerOrderNo, SandboxBarcodes.HELD, 100, receiver.url()))))
                    .build();
            answers.add(http11.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
        }
        // all of them held at the same time: served concurrently, not one after another
        await("all held").atMost(Duration.ofSeconds(30)).until(() -> sandbox.held().size() == count);
        assertTrue(answers.stream().noneMatch(CompletableFuture::isDone), "nothing answered before the release");
        assertEquals(count, sandbox.orders().stream().filter(order -> order.status() == SandboxOrder.PAID).count(),
                "paid on arrival");
        assertEquals(1, query(orders.get(0), null).status(), "a query sees a held payment paid");
        assertTrue(sandbox.notificationsDelivered().isEmpty(), "no notification before the release");

        sandbox.release(orders.get(0));
        assertEquals(1, openOrder(answers.get(0).get(30, TimeUnit.SECONDS)).body().status());
        assertEquals(count - 1, sandbox.held().size());
        assertFalse(answers.get(1).isDone(), "the others stay held");

        sandbox.releaseAll();
        for (CompletableFuture<HttpResponse<byte[]>> answer : answers) {
            OrderResult result = openOrder(answer.get(30, TimeUnit.SECONDS)).body();
            assertEquals(1, result.status());
        }
        assertTrue(sandbox.held().isEmpty());
        await("notified after the release").atMost(Duration.ofSeconds(30))
                .until(() -> sandbox.notificationsDelivered().size() == 2 * count);
    }

    @Test
    void aHeldPaymentWhoseCallerGaveUpIsNoLongerInFlight() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + ScanForPaySandbox.PAY_PATH))
                .timeout(Duration.ofMillis(500))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        seal(payRequest(partnerOrderNo, SandboxBarcodes.HELD, 100, null))))
                .build();
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThrows(HttpTimeoutException.class, () -> http11.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        await("no longer held").atMost(Duration.ofSeconds(10)).until(() -> sandbox.held().isEmpty());
        assertEquals(1, query(partnerOrderNo, null).status(), "still paid at arrival");
    }

    // ------------------------------------------------------------------------------------------------ notify

    @Test
    void notificationIsDeliveredTwiceAndSigned() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        OrderResult paid = pay(partnerOrderNo, SandboxBarcodes.PAID_WITH_BUYER, 2100, receiver.url());

        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.notificationsDelivered().size() == 2);
        List<SandboxNotification> delivered = sandbox.notificationsDelivered();
        assertEquals(List.of(1, 1), delivered.stream().map(SandboxNotification::attempt).toList());
        assertTrue(delivered.stream().allMatch(n -> n.partnerOrderNo().equals(partnerOrderNo) && n.status() == 1));

        assertEquals(2, receiver.received.size());
        for (String body : receiver.received) {
            OpenedEnvelope<ResponseHeader, OrderResult> opened = CLIENT.open(body.getBytes(StandardCharsets.UTF_8),
                    ScanForPayEnvelope.RESPONSE, ResponseHeader.class, OrderResult.class);
            assertEquals(PARTNER_NO, opened.header().partnerNo());
            OrderResult notified = opened.body();
            assertEquals(1, notified.code());
            assertEquals(1, notified.status());
            assertEquals(paid.orderNo(), notified.orderNo());
            assertEquals(partnerOrderNo, notified.partnerOrderNo());
            assertEquals(2100, notified.orderAmount());
            assertEquals("cd****@qq.com", notified.buyer());
        }
        assertTrue(receiver.contentTypes.stream().allMatch(type -> type.startsWith("application/json")));
    }

    @Test
    void notificationIsRetriedUntilTheReceiverAnswersSuccess() throws Exception {
        receiver.answers.add("fail");
        receiver.answers.add("FAIL");
        String partnerOrderNo = OrderNumbers.next("t");
        pay(partnerOrderNo, SandboxBarcodes.PAID, 2100, receiver.url());

        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.notificationsDelivered().size() == 2);
        assertEquals(List.of(3, 1), sandbox.notificationsDelivered().stream().map(SandboxNotification::attempt)
                .toList());
        await("nothing more to notify").atMost(Duration.ofSeconds(30))
                .until(() -> sandbox.notificationsUnderway() == 0);
        assertEquals(4, receiver.received.size());
    }

    @Test
    void waitingPaymentIsNotifiedOnceResolved() throws Exception {
        String partnerOrderNo = OrderNumbers.next("t");
        pay(partnerOrderNo, SandboxBarcodes.WAITING_THEN_FAILED, 2100, receiver.url());

        await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.notificationsDelivered().size() == 2);
        // both carry the final status: none was sent while the payment was still waiting
        assertTrue(sandbox.notificationsDelivered().stream().allMatch(n -> n.status() == 2));
        await("nothing more to notify").atMost(Duration.ofSeconds(30))
                .until(() -> sandbox.notificationsUnderway() == 0);
        OrderResult notified = CLIENT.open(receiver.received.get(0).getBytes(StandardCharsets.UTF_8),
                ScanForPayEnvelope.RESPONSE, ResponseHeader.class, OrderResult.class).body();
        assertEquals(2, notified.status());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static RequestHeader header(String partnerNo) {
        return RequestHeader.next(partnerNo, Clock.systemDefaultZone());
    }

    private static String seal(Object body) {
        return CLIENT.seal(ScanForPayEnvelope.REQUEST, header(PARTNER_NO), body).json();
    }

    private static PayRequest payRequest(String partnerOrderNo, String barcode, int amount, String notifyUrl) {
        return new PayRequest(STORE_NO, partnerOrderNo, barcode, amount, "Consume", "211918", "123456", notifyUrl);
    }

    private static OrderResult pay(String partnerOrderNo, String barcode, int amount, String notifyUrl)
            throws Exception {
        return openOrder(post(ScanForPaySandbox.PAY_PATH, seal(payRequest(partnerOrderNo, barcode, amount,
                notifyUrl)))).body();
    }

    private static OrderResult query(String partnerOrderNo, String orderNo) throws Exception {
        return openOrder(post(ScanForPaySandbox.QUERY_PATH, seal(new QueryRequest(STORE_NO, partnerOrderNo,
                orderNo)))).body();
    }

    private static RefundResult refund(String partnerOrderNo, String refundNo, int amount) throws Exception {
        HttpResponse<byte[]> response = post(ScanForPaySandbox.REFUND_PATH,
                seal(new RefundRequest(partnerOrderNo, refundNo, amount, "211918", null)));
        assertEquals(200, response.statusCode());
        return CLIENT.open(response.body(), ScanForPayEnvelope.RESPONSE, ResponseHeader.class, RefundResult.class)
                .body();
    }

    private static OpenedEnvelope<ResponseHeader, OrderResult> openOrder(HttpResponse<byte[]> response) {
        return CLIENT.open(response.body(), ScanForPayEnvelope.RESPONSE, ResponseHeader.class, OrderResult.class);
    }

    private static HttpResponse<byte[]> post(String path, String json) throws Exception {
        return post(sandbox, path, json);
    }

    private static HttpResponse<byte[]> post(ScanForPaySandbox target, String path, String json) throws Exception {
        return HTTP.send(request(target, path, json), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest request(ScanForPaySandbox target, String path, String json) {
        return HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
    }

    /** A notify receiver: answers the scripted answers first, then {@code success}. */
    private static final class Receiver implements AutoCloseable {

        final Queue<String> answers = new ConcurrentLinkedQueue<>();
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> contentTypes = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/scanforpay/notify", exchange -> {
                try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                    received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                    String answer = answers.poll();
                    byte[] bytes = (answer == null ? "success" : answer).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, bytes.length);
                    out.write(bytes);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/scanforpay/notify";
        }

        void reset() {
            answers.clear();
            received.clear();
            contentTypes.clear();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
