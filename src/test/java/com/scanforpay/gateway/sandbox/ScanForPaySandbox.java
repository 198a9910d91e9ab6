package com.scanforpay.gateway.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.provider.MalformedMessageException;
import com.scanforpay.gateway.provider.Masking;
import com.scanforpay.gateway.provider.OpenedEnvelope;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.PayRequest;
import com.scanforpay.gateway.provider.QueryRequest;
import com.scanforpay.gateway.provider.RefundRequest;
import com.scanforpay.gateway.provider.RefundResult;
import com.scanforpay.gateway.provider.RequestHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.provider.SignatureMismatchException;
import com.scanforpay.gateway.sandbox.SandboxBarcodes.Scenario;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * An in-memory stand-in for the ScanForPay API ({@code /api/offline/pay}, {@code /api/common/payQuery},
 * {@code /api/common/refund}) with signed envelopes, notify callbacks and scripted failures chosen by barcode (see
 * {@link SandboxBarcodes}). Fully asynchronous on its own Vert.x instance: latencies are timers, so hundreds of slow
 * requests in flight cost no threads.
 *
 * <p>Typical use in a test:
 *
 * <pre>{@code
 * try (ScanForPaySandbox sandbox = ScanForPaySandbox.start(SandboxSettings.defaults("10001", "key"))) {
 *     // point the gateway at sandbox.baseUrl(), then assert on sandbox.order(..), sandbox.payCalls(..)
 * }
 * }</pre>
 */
public final class ScanForPaySandbox implements AutoCloseable {

    public static final String PAY_PATH = "/api/offline/pay";
    public static final String QUERY_PATH = "/api/common/payQuery";
    public static final String REFUND_PATH = "/api/common/refund";

    public static final int CODE_SUCCESS = 1;
    public static final int CODE_SIGNATURE_ERROR = 10;
    public static final int CODE_INVALID_REQUEST = 11;
    public static final int CODE_INVALID_FIELD = 12;
    public static final int CODE_DUPLICATE_ORDER = 20;
    public static final int CODE_ORDER_NOT_FOUND = 30;
    public static final int CODE_ORDER_NOT_PAID = 40;
    public static final int CODE_DUPLICATE_REFUND = 41;
    public static final int CODE_REFUND_EXCEEDS = 42;
    public static final int CODE_INSUFFICIENT_BALANCE = 51;

    public static final String MSG_ORDER_NOT_FOUND = "订单不存在";

    private static final Logger LOG = Logger.getLogger(ScanForPaySandbox.class);
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final DateTimeFormatter ORDER_NO_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String APPLICATION_JSON = "application/json; charset=UTF-8";

    private final SandboxSettings settings;
    /** Lenient on unknown request fields, like a provider that adds optional fields over time. */
    private final ObjectMapper mapper = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final ScanForPaySigner signer;
    private final ScanForPayEnvelope envelope;
    /** Seals the {@link SandboxBarcodes#BAD_SIGNATURE} answers: same format, another key. */
    private final ScanForPayEnvelope wrongKeyEnvelope;
    private final Vertx vertx;
    private final HttpClient notifyClient;
    private HttpServer server;

    private final Map<String, SandboxOrder> orders = new ConcurrentHashMap<>();
    private final Map<String, String> partnerOrderNoByOrderNo = new ConcurrentHashMap<>();
    /** refundNo → partnerOrderNo of every successful refund. */
    private final Map<String, String> refunds = new ConcurrentHashMap<>();
    /** partnerOrderNo of every {@link SandboxBarcodes#WAITING_SLOW_QUERIES} order: its queries answer late. */
    private final Set<String> slowQueries = ConcurrentHashMap.newKeySet();
    /** partnerOrderNo of every {@link SandboxBarcodes#WAITING_HELD_QUERIES} order: its queries are held. */
    private final Set<String> heldQueries = ConcurrentHashMap.newKeySet();
    /** Answers held until the test releases them (a HELD pay answer, a held query), each by a number of its own. */
    private final Map<Long, HeldAnswer> held = new ConcurrentHashMap<>();
    private final AtomicLong heldSequence = new AtomicLong();
    /** Delivery chains not yet ended, and waiting payments not yet resolved: notifications still to come. */
    private final AtomicInteger notificationsUnderway = new AtomicInteger();
    private final Object refundLock = new Object();
    private final List<SandboxCall> calls = new ArrayList<>();
    private final List<SandboxNotification> delivered = new ArrayList<>();
    private final AtomicLong orderSequence = new AtomicLong();
    /** Bumped by {@link #reset()}: timers and notifications of an earlier generation stop touching state. */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ScanForPaySandbox(SandboxSettings settings) {
        this.settings = settings;
        this.signer = new ScanForPaySigner(settings.signKey());
        this.envelope = new ScanForPayEnvelope(mapper, signer);
        this.wrongKeyEnvelope = new ScanForPayEnvelope(mapper,
                new ScanForPaySigner("not-" + settings.signKey() + "-" + UUID.randomUUID()));
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        this.notifyClient = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(2_000)
                .setMaxPoolSize(64)
                .setKeepAlive(false));
    }

    /** Starts a sandbox on 127.0.0.1 and returns once it is listening. */
    public static ScanForPaySandbox start(SandboxSettings settings) {
        return start(settings, "127.0.0.1");
    }

    /**
     * Starts a sandbox bound to {@code host} ({@code 0.0.0.0} in a container, so that other containers reach it) and
     * returns once it is listening; {@link #baseUrl()} still names the loopback address.
     */
    public static ScanForPaySandbox start(SandboxSettings settings, String host) {
        ScanForPaySandbox sandbox = new ScanForPaySandbox(settings);
        try {
            HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(settings.port())
                    .setAcceptBacklog(1024);
            // Clients that upgrade to HTTP/2 (h2c) put all their requests on one connection: allow plenty of streams.
            options.getInitialSettings().setMaxConcurrentStreams(10_000);
            sandbox.server = sandbox.vertx.createHttpServer(options)
                    .requestHandler(sandbox::handle)
                    .listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sandbox.close();
            throw new IllegalStateException("interrupted while starting the ScanForPay sandbox", e);
        } catch (Exception e) {
            sandbox.close();
            throw new IllegalStateException("cannot start the ScanForPay sandbox on port " + settings.port(), e);
        }
        LOG.infof("ScanForPay sandbox listening on %s (partnerNo %s)", sandbox.baseUrl(), settings.partnerNo());
        return sandbox;
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public SandboxSettings settings() {
        return settings;
    }

    /** Every API call received so far, in arrival order. */
    public List<SandboxCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The API calls received on one path, e.g. {@code calls("/api/offline/pay")}. */
    public List<SandboxCall> calls(String path) {
        return calls().stream().filter(call -> call.path().equals(path)).toList();
    }

    /** How many pay calls named this partnerOrderNo, whether their signature was valid or not. */
    public long payCalls(String partnerOrderNo) {
        return calls().stream()
                .filter(call -> call.path().equals(PAY_PATH) && partnerOrderNo.equals(call.partnerOrderNo()))
                .count();
    }

    public Optional<SandboxOrder> order(String partnerOrderNo) {
        return Optional.ofNullable(orders.get(partnerOrderNo));
    }

    /** Every order the sandbox holds. */
    public List<SandboxOrder> orders() {
        return List.copyOf(orders.values());
    }

    /** Notifications the receiver answered {@code success}, in delivery order. */
    public List<SandboxNotification> notificationsDelivered() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    /**
     * The payments with an answer held whose caller still waits for it: a {@link SandboxBarcodes#HELD} pay answer
     * or a {@link SandboxBarcodes#WAITING_HELD_QUERIES} query. Payments demonstrably in flight.
     */
    public Set<String> held() {
        return held.values().stream().map(HeldAnswer::partnerOrderNo).collect(Collectors.toUnmodifiableSet());
    }

    /** Sends every held answer of this payment (and, for a HELD pay answer, then the notification). */
    public void release(String partnerOrderNo) {
        held.forEach((id, answer) -> {
            if (answer.partnerOrderNo().equals(partnerOrderNo)) {
                send(id);
            }
        });
    }

    /** Releases every held answer. */
    public void releaseAll() {
        held.keySet().forEach(this::send);
    }

    private void send(long heldId) {
        HeldAnswer answer = held.remove(heldId);
        if (answer != null) {
            vertx.runOnContext(ignored -> answer.send().run());
        }
    }

    /**
     * Notifications the sandbox still has to deliver or retry, counting the waiting payments it will notify when
     * they resolve. At 0 it posts nothing more until the next payment: a test counting notify callbacks waits for
     * it, so that a late notification of an earlier test (the sandbox is shared by the JVM) cannot land in between.
     */
    public int notificationsUnderway() {
        return notificationsUnderway.get();
    }

    /**
     * Forgets orders, refunds, calls and notifications. Payments still waiting and notifications still being
     * retried from before the reset are dropped.
     */
    public void reset() {
        generation.incrementAndGet();
        orders.clear();
        partnerOrderNoByOrderNo.clear();
        refunds.clear();
        slowQueries.clear();
        heldQueries.clear();
        releaseAll();
        synchronized (calls) {
            calls.clear();
        }
        synchronized (delivered) {
            delivered.clear();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        generation.incrementAndGet();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("ScanForPay sandbox did not close cleanly: %s", e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (!PAY_PATH.equals(path) && !QUERY_PATH.equals(path) && !REFUND_PATH.equals(path)) {
            request.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("not found");
            return;
        }
        if (request.method() != HttpMethod.POST) {
            request.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "POST")
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("method not allowed");
            return;
        }
        request.body().onComplete(read -> {
            if (read.failed()) {
                LOG.debugf("sandbox could not read a request body on %s: %s", path, read.cause().toString());
                if (!request.response().closed() && !request.response().ended()) {
                    request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                            .end("cannot read the request body");
                }
                return;
            }
            try {
                send(request.response(), dispatch(path, read.result()));
            } catch (RuntimeException | LinkageError e) {
                // A bug (or, in a shared build tree, class files replaced under a running sandbox): answer rather
                // than leave the client hanging.
                System.err.println("ScanForPay sandbox failed on " + path + ": " + e);
                if (!request.response().closed() && !request.response().ended()) {
                    request.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                            .end("sandbox internal error");
                }
            }
        });
    }

    private void send(HttpServerResponse response, Reply reply) {
        if (reply.heldAs() != null) {
            hold(response, reply);
            return;
        }
        later(reply.delay(), () -> {
            if (response.closed() || response.ended()) {
                return; // the client gave up (e.g. its response timeout on a SLOW payment)
            }
            response.setStatusCode(reply.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, reply.contentType())
                    .end(reply.body());
        });
    }

    private void hold(HttpServerResponse response, Reply reply) {
        long id = heldSequence.incrementAndGet();
        // a caller that gave up (its response timeout) no longer has a payment in flight
        response.closeHandler(closed -> held.remove(id));
        held.put(id, new HeldAnswer(reply.heldAs(), () -> {
            if (!response.closed() && !response.ended()) {
                response.setStatusCode(reply.status()).putHeader(HttpHeaders.CONTENT_TYPE, reply.contentType())
                        .end(reply.body());
            }
            reply.afterRelease().run();
        }));
        if (response.closed()) {
            held.remove(id); // closed before the handler was set
        }
    }

    /** A held answer of {@code partnerOrderNo}; {@code send} answers the caller (and does what follows). */
    private record HeldAnswer(String partnerOrderNo, Runnable send) {
    }

    /** Runs {@code action} on the event loop after {@code delay}; a timer, never a sleeping thread. */
    private void later(Duration delay, Runnable action) {
        if (closed.get()) {
            return;
        }
        try {
            vertx.setTimer(Math.max(1, delay.toMillis()), id -> action.run());
        } catch (IllegalStateException e) {
            LOG.debugf("sandbox is closing, dropped a scheduled action: %s", e.toString());
        }
    }

    /** An HTTP answer; a held one ({@code heldAs} its partnerOrderNo) waits for the test, then runs {@code afterRelease}. */
    private record Reply(int status, String contentType, String body, Duration delay, String heldAs,
            Runnable afterRelease) {

        Reply(int status, String contentType, String body, Duration delay) {
            this(status, contentType, body, delay, null, null);
        }

        Reply heldUntilReleased(String partnerOrderNo, Runnable afterRelease) {
            return new Reply(status, contentType, body, delay, partnerOrderNo, afterRelease);
        }
    }

    /** What could be read from a request before (or without) verifying it. */
    private record Peek(String partnerOrderNo, String orderNo, String reqMsgId) {
    }

    private Reply dispatch(String path, Buffer buffer) {
        Instant receivedAt = Instant.now();
        byte[] raw = buffer.getBytes();
        Peek peek = peek(raw);
        Class<?> bodyType = switch (path) {
            case PAY_PATH -> PayRequest.class;
            case QUERY_PATH -> QueryRequest.class;
            default -> RefundRequest.class;
        };
        OpenedEnvelope<RequestHeader, ?> opened;
        int rejection = 0;
        String rejectionMsg = null;
        try {
            if (raw.length > MAX_BODY_BYTES) {
                throw new MalformedMessageException("request too large");
            }
            opened = envelope.open(raw, ScanForPayEnvelope.REQUEST, RequestHeader.class, bodyType);
            if (!settings.partnerNo().equals(opened.header().partnerNo())) {
                rejection = CODE_SIGNATURE_ERROR;
                rejectionMsg = "signature error";
            }
        } catch (SignatureMismatchException e) {
            opened = null;
            rejection = CODE_SIGNATURE_ERROR;
            rejectionMsg = "signature error";
        } catch (MalformedMessageException e) {
            opened = null;
            rejection = CODE_INVALID_REQUEST;
            rejectionMsg = "invalid request";
        }
        // Like the provider, a query naming both numbers is about the order of orderNo.
        String partnerOrderNo = peek.orderNo() == null ? null : partnerOrderNoByOrderNo.get(peek.orderNo());
        if (partnerOrderNo == null) {
            partnerOrderNo = peek.partnerOrderNo();
        }
        record(new SandboxCall(path, partnerOrderNo, rejection == 0, receivedAt));
        String reqMsgId = opened != null ? opened.header().reqMsgId() : peek.reqMsgId();
        if (rejection != 0) {
            LOG.debugf("sandbox refused a call on %s: code %d", path, rejection);
            return signed(reqMsgId, failure(rejection, rejectionMsg));
        }
        Object body = opened.body();
        return switch (path) {
            case PAY_PATH -> pay(reqMsgId, (PayRequest) body);
            case QUERY_PATH -> query(reqMsgId, (QueryRequest) body);
            default -> refund(reqMsgId, (RefundRequest) body);
        };
    }

    private void record(SandboxCall call) {
        synchronized (calls) {
            calls.add(call);
        }
    }

    /** Best-effort read of identifiers from a request that may be unsigned or malformed. */
    private Peek peek(byte[] raw) {
        try {
            JsonNode request = mapper.readTree(raw).path(ScanForPayEnvelope.REQUEST);
            return new Peek(text(request.path("body").path("partnerOrderNo")),
                    text(request.path("body").path("orderNo")),
                    text(request.path("header").path("reqMsgId")));
        } catch (Exception e) {
            return new Peek(null, null, null);
        }
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    // ------------------------------------------------------------------------------------------------ pay

    private Reply pay(String reqMsgId, PayRequest body) {
        String invalid = validatePay(body);
        if (invalid != null) {
            return signed(reqMsgId, failure(CODE_INVALID_FIELD, invalid));
        }
        Scenario scenario = Scenario.of(body.barcode());
        String partnerOrderNo = body.partnerOrderNo();
        if (scenario == Scenario.HTTP_500) {
            if (orders.containsKey(partnerOrderNo)) {
                return duplicate(reqMsgId, partnerOrderNo);
            }
            LOG.debugf("sandbox pay %s (barcode %s): answering HTTP 500", partnerOrderNo,
                    Masking.barcode(body.barcode()));
            return new Reply(500, "text/plain; charset=UTF-8", "Internal Server Error", settings.latency());
        }
        String now = now();
        String wallet = walletOf(body.barcode());
        boolean withBuyer = scenario == Scenario.PAID_WITH_BUYER;
        int status = switch (scenario) {
            case DECLINED -> SandboxOrder.FAILED;
            case WAITING_THEN_PAID, WAITING_THEN_FAILED, WAITING_SLOW_QUERIES, WAITING_HELD_QUERIES ->
                    SandboxOrder.WAITING;
            default -> SandboxOrder.PAID;
        };
        SandboxOrder order = new SandboxOrder(partnerOrderNo, nextOrderNo(), body.storeNo(), body.orderAmount(),
                status, wallet, settings.currency(), status == SandboxOrder.PAID ? now : null, 0, body.notifyUrl(),
                withBuyer ? SandboxBarcodes.BUYER : null, withBuyer ? SandboxBarcodes.BUYER_ID : null);
        if (orders.putIfAbsent(partnerOrderNo, order) != null) {
            return duplicate(reqMsgId, partnerOrderNo);
        }
        partnerOrderNoByOrderNo.put(order.orderNo(), partnerOrderNo);
        long gen = generation.get();
        LOG.debugf("sandbox pay %s (barcode %s, amount %d): %s", partnerOrderNo, Masking.barcode(body.barcode()),
                body.orderAmount(), scenario);
        switch (scenario) {
            case DECLINED:
                return signed(reqMsgId, failure(CODE_INSUFFICIENT_BALANCE, "insufficient balance"));
            case WAITING_THEN_PAID:
            case WAITING_THEN_FAILED:
                int finalStatus = scenario == Scenario.WAITING_THEN_PAID ? SandboxOrder.PAID : SandboxOrder.FAILED;
                notificationsUnderway.incrementAndGet(); // resolving, it will be notified
                later(settings.waitingResolvesAfter(), () -> {
                    try {
                        resolve(order, finalStatus, gen);
                    } finally {
                        notificationsUnderway.decrementAndGet();
                    }
                });
                return signed(reqMsgId, result(order));
            case WAITING_SLOW_QUERIES:
                slowQueries.add(partnerOrderNo);
                return signed(reqMsgId, result(order));
            case WAITING_HELD_QUERIES:
                heldQueries.add(partnerOrderNo);
                return signed(reqMsgId, result(order));
            case SLOW:
                notifyResult(order, gen);
                return signed(reqMsgId, result(order), settings.slowLatency());
            case HELD:
                return signed(reqMsgId, result(order)).heldUntilReleased(partnerOrderNo, () -> notifyResult(order, gen));
            case MALFORMED:
                notifyResult(order, gen);
                return new Reply(200, APPLICATION_JSON, malformed(reqMsgId, order), settings.latency());
            case BAD_SIGNATURE:
                notifyResult(order, gen);
                return new Reply(200, APPLICATION_JSON,
                        wrongKeyEnvelope.seal(ScanForPayEnvelope.RESPONSE, header(reqMsgId), result(order)).json(),
                        settings.latency());
            default:
                notifyResult(order, gen);
                return signed(reqMsgId, result(order));
        }
    }

    private Reply duplicate(String reqMsgId, String partnerOrderNo) {
        LOG.debugf("sandbox pay %s: duplicate partnerOrderNo refused", partnerOrderNo);
        return signed(reqMsgId, failure(CODE_DUPLICATE_ORDER, "duplicate partnerOrderNo"));
    }

    /** A waiting order reaches its final status (unless it was reset away meanwhile). */
    private void resolve(SandboxOrder waiting, int finalStatus, long gen) {
        if (gen != generation.get()) {
            return;
        }
        String payTime = finalStatus == SandboxOrder.PAID ? now() : null;
        SandboxOrder[] resolved = new SandboxOrder[1];
        orders.computeIfPresent(waiting.partnerOrderNo(), (key, current) -> {
            if (current.orderNo().equals(waiting.orderNo()) && current.status() == SandboxOrder.WAITING) {
                resolved[0] = current.withStatus(finalStatus, payTime);
                return resolved[0];
            }
            return current;
        });
        if (resolved[0] != null) {
            LOG.debugf("sandbox pay %s resolved: status %d", waiting.partnerOrderNo(), finalStatus);
            notifyResult(resolved[0], gen);
        }
    }

    private static String validatePay(PayRequest body) {
        String invalid = required("storeNo", body.storeNo(), 15);
        if (invalid == null) {
            invalid = required("partnerOrderNo", body.partnerOrderNo(), 32);
        }
        if (invalid == null) {
            invalid = required("barcode", body.barcode(), 20);
        }
        if (invalid == null && !body.barcode().chars().allMatch(c -> c >= '0' && c <= '9')) {
            invalid = "barcode must contain digits only";
        }
        if (invalid == null && body.orderAmount() <= 0) {
            invalid = "orderAmount must be a positive integer";
        }
        if (invalid == null) {
            invalid = optional("orderTitle", body.orderTitle(), 100);
        }
        if (invalid == null) {
            invalid = optional("operatorId", body.operatorId(), 20);
        }
        if (invalid == null) {
            invalid = optional("terminalNo", body.terminalNo(), 20);
        }
        if (invalid == null) {
            invalid = optional("notifyUrl", body.notifyUrl(), 200);
        }
        return invalid;
    }

    private static String walletOf(String barcode) {
        int prefix = Integer.parseInt(barcode.substring(0, Math.min(2, barcode.length())));
        return barcode.length() >= 2 && prefix >= 25 && prefix <= 30 ? "Alipay" : "Wechat";
    }

    private String nextOrderNo() {
        // "SFP" + 14-digit time + 10-digit sequence: 27 characters, unique for the sandbox's lifetime.
        return "SFP" + OffsetDateTime.now().format(ORDER_NO_TIME)
                + String.format("%010d", orderSequence.incrementAndGet());
    }

    /**
     * The provider's own failure sample style: a missing comma after {@code code} and a trailing comma at the end of
     * the body. The signature is computed over the (broken) text, so only the JSON is at fault.
     */
    private String malformed(String reqMsgId, SandboxOrder order) {
        String headerJson;
        try {
            headerJson = mapper.writeValueAsString(header(reqMsgId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response header", e);
        }
        String member = "{\"header\":" + headerJson + ",\"body\":{"
                + "\"code\":1\n"
                + "\"msg\":\"success\",\"orderNo\":\"" + order.orderNo() + "\",\"partnerOrderNo\":\""
                + order.partnerOrderNo() + "\",\"orderAmount\":" + order.amount() + ",\"wallet\":\"" + order.wallet()
                + "\",\"status\":" + order.status() + ",\"payTime\":\"" + order.payTime() + "\",\"currency\":\""
                + order.currency() + "\",}}";
        return "{\"response\":" + member + ",\"signature\":\"" + signer.sign(member) + "\"}";
    }

    // ------------------------------------------------------------------------------------------------ query

    private Reply query(String reqMsgId, QueryRequest body) {
        String invalid = required("storeNo", body.storeNo(), 15);
        if (invalid == null && isBlank(body.partnerOrderNo()) && isBlank(body.orderNo())) {
            invalid = "partnerOrderNo or orderNo is required";
        }
        if (invalid == null) {
            invalid = optional("partnerOrderNo", body.partnerOrderNo(), 32);
        }
        if (invalid == null) {
            invalid = optional("orderNo", body.orderNo(), 32);
        }
        if (invalid != null) {
            return signed(reqMsgId, failure(CODE_INVALID_FIELD, invalid));
        }
        String partnerOrderNo = isBlank(body.orderNo()) ? body.partnerOrderNo()
                : partnerOrderNoByOrderNo.get(body.orderNo());
        SandboxOrder order = partnerOrderNo == null ? null : orders.get(partnerOrderNo);
        if (order == null) {
            return signed(reqMsgId, failure(CODE_ORDER_NOT_FOUND, MSG_ORDER_NOT_FOUND));
        }
        if (heldQueries.contains(order.partnerOrderNo())) {
            return signed(reqMsgId, result(order)).heldUntilReleased(order.partnerOrderNo(), () -> {
            });
        }
        return signed(reqMsgId, result(order),
                slowQueries.contains(order.partnerOrderNo()) ? settings.slowLatency() : settings.latency());
    }

    // ------------------------------------------------------------------------------------------------ refund

    private Reply refund(String reqMsgId, RefundRequest body) {
        String invalid = required("partnerOrderNo", body.partnerOrderNo(), 32);
        if (invalid == null) {
            invalid = required("refundNo", body.refundNo(), 32);
        }
        if (invalid == null && body.orderAmount() <= 0) {
            invalid = "orderAmount must be a positive integer";
        }
        if (invalid == null) {
            invalid = optional("operatorId", body.operatorId(), 20);
        }
        if (invalid == null) {
            invalid = optional("terminalNo", body.terminalNo(), 20);
        }
        if (invalid != null) {
            return signed(reqMsgId, new RefundResult(CODE_INVALID_FIELD, invalid, null, null, null));
        }
        synchronized (refundLock) {
            SandboxOrder order = orders.get(body.partnerOrderNo());
            if (order == null) {
                return signed(reqMsgId, new RefundResult(CODE_ORDER_NOT_FOUND, MSG_ORDER_NOT_FOUND, null, null, null));
            }
            if (order.status() != SandboxOrder.PAID && order.status() != SandboxOrder.REFUNDED) {
                return signed(reqMsgId, new RefundResult(CODE_ORDER_NOT_PAID, "order not paid", null, null, null));
            }
            if (refunds.containsKey(body.refundNo())) {
                return signed(reqMsgId, new RefundResult(CODE_DUPLICATE_REFUND, "duplicate refundNo", null, null,
                        null));
            }
            if (body.orderAmount() > order.remainingAmount()) {
                return signed(reqMsgId, new RefundResult(CODE_REFUND_EXCEEDS, "refund amount exceeds paid amount",
                        null, null, null));
            }
            refunds.put(body.refundNo(), order.partnerOrderNo());
            if (body.refundNo().startsWith(SandboxBarcodes.FAILED_REFUND_PREFIX)) {
                // the wallet refused to pay it back: nothing refunded, the order's refundable amount unchanged
                LOG.debugf("sandbox refund %s of %s: failed", body.refundNo(), order.partnerOrderNo());
                return signed(reqMsgId, new RefundResult(CODE_SUCCESS, "success", body.orderAmount(),
                        RefundResult.STATUS_FAILED, order.currency()));
            }
            orders.put(order.partnerOrderNo(), order.withRefund(body.orderAmount()));
            LOG.debugf("sandbox refund %s of %s: %d", body.refundNo(), order.partnerOrderNo(), body.orderAmount());
            // taken, but answered "processing" for good: ScanForPay has no refund query to learn how it ended
            int status = body.refundNo().startsWith(SandboxBarcodes.PROCESSING_REFUND_PREFIX)
                    ? RefundResult.STATUS_PROCESSING : RefundResult.STATUS_DONE;
            return signed(reqMsgId, new RefundResult(CODE_SUCCESS, "success", body.orderAmount(), status,
                    order.currency()));
        }
    }

    /**
     * A refund made outside the gateway, as a merchant would in ScanForPay's portal: the order's refundable amount
     * shrinks and {@code refundNo} is used, but the gateway's ledger knows nothing of it (so the provider, not the
     * ledger, refuses what the gateway then sends beyond it).
     */
    public void refundThroughPortal(String partnerOrderNo, String refundNo, int amount) {
        synchronized (refundLock) {
            SandboxOrder order = orders.get(partnerOrderNo);
            if (order == null || order.status() != SandboxOrder.PAID || amount > order.remainingAmount()
                    || refunds.putIfAbsent(refundNo, partnerOrderNo) != null) {
                throw new IllegalStateException("the portal refuses refund " + refundNo + " of " + order);
            }
            orders.put(partnerOrderNo, order.withRefund(amount));
        }
    }

    // ------------------------------------------------------------------------------------------------ notify

    private void notifyResult(SandboxOrder order, long gen) {
        if (order.notifyUrl() == null || order.notifyUrl().isBlank() || settings.notifyRepeats() <= 0) {
            return;
        }
        notificationsUnderway.incrementAndGet(); // until the chain below ends: delivered, given up or dropped
        deliver(order, 1, gen);
    }

    /** One delivery (of {@code notifyRepeats}): a freshly signed message, retried until answered {@code success}. */
    private void deliver(SandboxOrder order, int repeat, long gen) {
        String body = envelope.seal(ScanForPayEnvelope.RESPONSE, header(newMessageId()), result(order)).json();
        attempt(order, repeat, 1, body, gen);
    }

    private void attempt(SandboxOrder order, int repeat, int attempt, String body, long gen) {
        if (closed.get() || gen != generation.get()) {
            notificationsUnderway.decrementAndGet(); // dropped
            return;
        }
        post(order.notifyUrl(), body).onComplete(answer -> {
            boolean accepted = answer.succeeded() && "success".equals(answer.result());
            if (accepted) {
                synchronized (delivered) {
                    if (gen == generation.get()) {
                        delivered.add(new SandboxNotification(order.partnerOrderNo(), order.status(), attempt, body));
                    }
                }
                LOG.debugf("sandbox notification %d of %s delivered (attempt %d)", (Object) repeat, order.partnerOrderNo(),
                        attempt);
                if (repeat < settings.notifyRepeats()) {
                    later(settings.notifyRetryInterval(), () -> deliver(order, repeat + 1, gen));
                } else {
                    notificationsUnderway.decrementAndGet(); // every repeat delivered
                }
            } else if (attempt < settings.notifyMaxAttempts()) {
                LOG.debugf("sandbox notification of %s not accepted (attempt %d): %s", order.partnerOrderNo(),
                        attempt, answer.succeeded() ? "answer was not 'success'" : answer.cause().toString());
                later(settings.notifyRetryInterval(), () -> attempt(order, repeat, attempt + 1, body, gen));
            } else {
                LOG.infof("sandbox gives up notifying %s after %d attempts", order.partnerOrderNo(), attempt);
                notificationsUnderway.decrementAndGet();
            }
        });
    }

    /** POSTs {@code body}; the future holds the trimmed answer of a 200, or a description of anything else. */
    private Future<String> post(String url, String body) {
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                    .setIdleTimeout(5_000)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        } catch (RuntimeException e) {
            return Future.failedFuture("invalid notifyUrl");
        }
        return notifyClient.request(options)
                .compose(request -> request.send(Buffer.buffer(body, StandardCharsets.UTF_8.name())))
                .compose(response -> response.body().map(answer -> response.statusCode() == 200
                        ? answer.toString(StandardCharsets.UTF_8).trim()
                        : "HTTP " + response.statusCode()));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Reply signed(String reqMsgId, Object body) {
        return signed(reqMsgId, body, settings.latency());
    }

    private Reply signed(String reqMsgId, Object body, Duration delay) {
        return new Reply(200, APPLICATION_JSON,
                envelope.seal(ScanForPayEnvelope.RESPONSE, header(reqMsgId), body).json(), delay);
    }

    private SandboxResponseHeader header(String reqMsgId) {
        return new SandboxResponseHeader(settings.partnerNo(), now(), RequestHeader.SIGN_TYPE, RequestHeader.VERSION,
                reqMsgId);
    }

    private static OrderResult failure(int code, String msg) {
        return new OrderResult(code, msg, null, null, null, null, null, null, null, null, null);
    }

    private static OrderResult result(SandboxOrder order) {
        return new OrderResult(CODE_SUCCESS, "success", order.orderNo(), order.partnerOrderNo(), order.amount(),
                order.wallet(), order.status(), order.payTime(), order.currency(), order.buyer(), order.buyerId());
    }

    private static String now() {
        return OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(RFC3339);
    }

    private static String newMessageId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String required(String field, String value, int maxLength) {
        if (isBlank(value)) {
            return field + " is required";
        }
        return optional(field, value, maxLength);
    }

    private static String optional(String field, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            return field + " must be at most " + maxLength + " characters";
        }
        return null;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    // ------------------------------------------------------------------------------------------------ main

    /**
     * Runs the sandbox standalone until Ctrl-C. Settings come from system properties, else environment variables
     * ({@code sandbox.partner-no} ↔ {@code SANDBOX_PARTNER_NO}): {@code sandbox.host} (the address to bind,
     * 127.0.0.1; 0.0.0.0 in a container), {@code sandbox.port} (8089),
     * {@code sandbox.partner-no} (10001), {@code sandbox.sign-key} (sandbox-sign-key), {@code sandbox.latency-ms}
     * (50), {@code sandbox.slow-latency-ms} (35000), {@code sandbox.waiting-resolves-after-ms} (2000),
     * {@code sandbox.notify-repeats} (2), {@code sandbox.currency} (JPY).
     */
    public static void main(String[] args) throws InterruptedException {
        SandboxSettings defaults = SandboxSettings.defaults(setting("sandbox.partner-no", "10001"),
                setting("sandbox.sign-key", "sandbox-sign-key"));
        SandboxSettings settings = defaults
                .withPort(Integer.parseInt(setting("sandbox.port", "8089")))
                .withLatency(millis("sandbox.latency-ms", defaults.latency()))
                .withSlowLatency(millis("sandbox.slow-latency-ms", defaults.slowLatency()))
                .withWaitingResolvesAfter(millis("sandbox.waiting-resolves-after-ms",
                        defaults.waitingResolvesAfter()))
                .withNotifyRepeats(Integer.parseInt(setting("sandbox.notify-repeats",
                        String.valueOf(defaults.notifyRepeats()))))
                .withCurrency(setting("sandbox.currency", defaults.currency()));
        String host = setting("sandbox.host", "127.0.0.1");
        ScanForPaySandbox sandbox = start(settings, host);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "scanforpay-sandbox-shutdown"));
        System.out.println("ScanForPay sandbox listening on " + host + ":" + sandbox.port());
        System.out.println("partnerNo " + settings.partnerNo() + ", latency " + settings.latency().toMillis()
                + " ms, currency " + settings.currency() + " (Ctrl-C stops)");
        System.out.println(SandboxBarcodes.table());
        stopped.await();
    }

    private static String setting(String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(property.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static Duration millis(String property, Duration fallback) {
        return Duration.ofMillis(Long.parseLong(setting(property, String.valueOf(fallback.toMillis()))));
    }
}
