package com.scanforpay.gateway.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.provider.OpenedEnvelope;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.PayRequest;
import com.scanforpay.gateway.provider.RequestHeader;
import com.scanforpay.gateway.provider.ResponseHeader;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.provider.SignedEnvelope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's yardstick: what a competent engineer would write for the pay path with nothing but kafka-clients
 * and the JDK's HttpClient: no Camel, no Quarkus, no database. Run as its own JVM by {@link Benchmark} so its CPU
 * is measured like the gateway's.
 *
 * <ul>
 * <li>One poll loop; each PAY is signed (the gateway's plain-Java {@code provider} package), sent with the JDK
 * HttpClient asynchronously, its answer's signature verified and its order and amount checked, and a result
 * with the fields the gateway publishes is produced (acks=all, idempotent producer).</li>
 * <li>Per-order ordering: a command starts only when the previous command of its {@code partnerOrderNo} is done
 * (chained on that order's last future).</li>
 * <li>Commit after ack: a record is done only once its result is acknowledged by Kafka; the poll thread commits
 * each partition's contiguous done prefix after every poll.</li>
 * <li>At most {@code maxInFlight} records in flight: all partitions are paused above it, resumed below half.</li>
 * </ul>
 * What it does not do (the gateway does): a ledger (so no protection against paying twice after a crash or a
 * repeated command), queries of inconclusive answers (it publishes {@code UNKNOWN}), refunds and queries,
 * dead letters, notify callbacks.
 *
 * <p>Arguments: {@code bootstrap commandsTopic resultsTopic groupId baseUrl partnerNo signKey storeNo maxInFlight
 * httpVersion(1.1|2)}. Prints {@code READY} once partitions are assigned.
 */
public final class ReferenceConsumer {

    private static final String PAY_PATH = "/api/offline/pay";
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    /** The fields the gateway publishes (docs/contract.md §3.2), in its order. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"partnerOrderNo", "type", "outcome", "source", "code", "msg", "status", "orderNo",
            "orderAmount", "currency", "wallet", "payTime", "buyer", "buyerId", "reqMsgId", "timestamp"})
    record Result(String partnerOrderNo, String type, String outcome, String source, Integer code, String msg,
            Integer status, String orderNo, Integer orderAmount, String currency, String wallet, String payTime,
            String buyer, String buyerId, String reqMsgId, String timestamp) {
    }

    /** A record handed out, done once its result is acknowledged. */
    private static final class Tracked {
        final long offset;
        volatile boolean done;

        Tracked(long offset) {
            this.offset = offset;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final String resultsTopic;
    private final String baseUrl;
    private final String partnerNo;
    private final String storeNo;
    private final int maxInFlight;
    private final ScanForPaySigner signer;
    private final ScanForPayEnvelope envelope;
    private final HttpClient http;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, String> producer;
    private final Clock clock = Clock.systemUTC();

    /** Poll thread only: records of each owned partition in offset order, not yet committed. */
    private final Map<TopicPartition, ArrayDeque<Tracked>> pending = new HashMap<>();
    /** The last command of each order still running: the next one of the order chains on it. */
    private final Map<String, CompletableFuture<Void>> lastOfOrder = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private volatile boolean paused;
    private volatile boolean stopping;

    ReferenceConsumer(String bootstrap, String commandsTopic, String resultsTopic, String groupId, String baseUrl,
            String partnerNo, String signKey, String storeNo, int maxInFlight, HttpClient.Version version) {
        this.resultsTopic = resultsTopic;
        this.baseUrl = baseUrl;
        this.partnerNo = partnerNo;
        this.storeNo = storeNo;
        this.maxInFlight = maxInFlight;
        this.signer = new ScanForPaySigner(signKey);
        this.envelope = new ScanForPayEnvelope(json, signer);
        this.http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxInFlight));
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(commandsTopic), new Rebalance());

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    public static void main(String[] args) {
        if (args.length != 10) {
            System.err.println("usage: ReferenceConsumer bootstrap commandsTopic resultsTopic groupId baseUrl "
                    + "partnerNo signKey storeNo maxInFlight httpVersion(1.1|2)");
            System.exit(2);
        }
        HttpClient.Version version = "2".equals(args[9]) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
        ReferenceConsumer reference = new ReferenceConsumer(args[0], args[1], args[2], args[3], args[4], args[5],
                args[6], args[7], Integer.parseInt(args[8]), version);
        Thread pollThread = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reference.stopping = true;
            reference.consumer.wakeup();
            try {
                pollThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "reference-shutdown"));
        reference.run();
    }

    void run() {
        try {
            while (!stopping) {
                Throwable failure = fatal.get();
                if (failure != null) {
                    throw new IllegalStateException("a result could not be published", failure);
                }
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        accept(record);
                    }
                } catch (WakeupException e) {
                    // room again for records, a failure, or the stop: looked at right here
                }
                commitDonePrefixes();
                flowControl();
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Tracked tracked = new Tracked(record.offset());
        pending.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(tracked);
        inFlight.incrementAndGet();
        String order = orderOf(record);
        CompletableFuture<Void> previous = order == null ? null : lastOfOrder.get(order);
        CompletableFuture<Void> mine = previous == null ? handle(record)
                : previous.handle((ignored, error) -> null).thenCompose(ignored -> handle(record));
        if (order != null) {
            lastOfOrder.put(order, mine);
        }
        mine.whenComplete((ignored, error) -> {
            if (order != null) {
                lastOfOrder.remove(order, mine);
            }
            if (error != null) {
                fatal.compareAndSet(null, error); // never marked done: never committed
                consumer.wakeup();
                return;
            }
            tracked.done = true;
            if (inFlight.decrementAndGet() == maxInFlight / 2 && paused) {
                consumer.wakeup(); // resume without waiting for the poll timeout
            }
        });
    }

    /** The key is the order number (as the gateway's producers send it); else the body's. */
    private String orderOf(ConsumerRecord<String, byte[]> record) {
        if (record.key() != null) {
            return record.key();
        }
        try {
            JsonNode node = json.readTree(record.value());
            return node != null && node.hasNonNull("partnerOrderNo") ? node.get("partnerOrderNo").asText() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Sign, call, verify, publish: completes once the result is acknowledged by Kafka. */
    private CompletableFuture<Void> handle(ConsumerRecord<String, byte[]> record) {
        JsonNode command;
        try {
            command = json.readTree(record.value());
        } catch (Exception e) {
            command = null;
        }
        String order = command == null ? null : command.path("partnerOrderNo").asText(null);
        String barcode = command == null ? null : command.path("barcode").asText(null);
        int amount = command == null ? 0 : command.path("orderAmount").asInt(0);
        if (order == null || barcode == null || amount <= 0) {
            return publish(record.key(), new Result(order, "PAY", "REJECTED", "VALIDATION", null,
                    "partnerOrderNo, barcode and a positive orderAmount are required", null, null, null, null, null,
                    null, null, null, null, clock.instant().toString()));
        }
        String store = command.hasNonNull("storeNo") ? command.get("storeNo").asText() : storeNo;
        RequestHeader header = RequestHeader.next(partnerNo, clock);
        SignedEnvelope request = envelope.seal(ScanForPayEnvelope.REQUEST, header,
                new PayRequest(store, order, barcode, amount, command.path("orderTitle").asText(null),
                        command.path("operatorId").asText(null), command.path("terminalNo").asText(null), null));
        HttpRequest call = HttpRequest.newBuilder(URI.create(baseUrl + PAY_PATH)).timeout(RESPONSE_TIMEOUT)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(request.json())).build();
        return http.sendAsync(call, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> result(order, amount, header.reqMsgId(), response, error))
                .thenCompose(result -> publish(order, result));
    }

    /** The provider's answer as the gateway would publish it; anything inconclusive is UNKNOWN (never FAILED). */
    private Result result(String order, int amount, String reqMsgId, HttpResponse<byte[]> response,
            Throwable error) {
        String now = clock.instant().toString();
        if (error != null) {
            return unknown(order, amount, reqMsgId, "no answer: " + error.getClass().getSimpleName(), now);
        }
        if (response.statusCode() != 200) {
            return unknown(order, amount, reqMsgId, "HTTP " + response.statusCode(), now);
        }
        OrderResult body;
        try {
            OpenedEnvelope<ResponseHeader, OrderResult> opened = envelope.open(response.body(),
                    ScanForPayEnvelope.RESPONSE, signer, ResponseHeader.class, OrderResult.class);
            body = opened.body();
        } catch (RuntimeException e) { // malformed, or a bad signature
            return unknown(order, amount, reqMsgId, e.getMessage(), now);
        }
        if (body.isSuccess() && (!order.equals(body.partnerOrderNo())
                || (body.orderAmount() != null && body.orderAmount() != amount))) {
            return unknown(order, amount, reqMsgId, "the answer is about another order or amount", now);
        }
        String outcome;
        if (!body.isSuccess()) {
            outcome = body.code() == null ? "UNKNOWN" : "FAILED";
        } else {
            outcome = switch (body.status() == null ? -1 : body.status()) {
                case OrderResult.STATUS_WAITING -> "PENDING";
                case OrderResult.STATUS_PAID -> "SUCCESS";
                case OrderResult.STATUS_FAILED -> "FAILED";
                case OrderResult.STATUS_REFUNDED -> "REFUNDED";
                default -> "UNKNOWN";
            };
        }
        return new Result(order, "PAY", outcome, "PAY_RESPONSE", body.code(), body.msg(), body.status(),
                body.orderNo(), body.orderAmount(), body.currency(), body.wallet(), body.payTime(), body.buyer(),
                body.buyerId(), reqMsgId, now);
    }

    private static Result unknown(String order, int amount, String reqMsgId, String reason, String now) {
        return new Result(order, "PAY", "UNKNOWN", "PAY_RESPONSE", null, reason, null, null, amount, null, null,
                null, null, null, reqMsgId, now);
    }

    private CompletableFuture<Void> publish(String key, Result result) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        String value;
        try {
            value = json.writeValueAsString(result);
        } catch (Exception e) {
            acked.completeExceptionally(e);
            return acked;
        }
        producer.send(new ProducerRecord<>(resultsTopic, key, value), (metadata, error) -> {
            if (error != null) {
                acked.completeExceptionally(error);
            } else {
                acked.complete(null);
            }
        });
        return acked;
    }

    /** Commits, per partition, the offsets after the records done from the head on (poll thread only). */
    private void commitDonePrefixes() {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        pending.forEach((partition, records) -> {
            long next = -1;
            while (!records.isEmpty() && records.peekFirst().done) {
                next = records.pollFirst().offset + 1;
            }
            if (next >= 0) {
                commits.put(partition, new OffsetAndMetadata(next));
            }
        });
        if (!commits.isEmpty()) {
            consumer.commitAsync(commits, (offsets, error) -> {
                if (error != null) {
                    System.err.println("commit failed (a later commit covers it): " + error);
                }
            });
        }
    }

    private void flowControl() {
        int open = inFlight.get();
        if (!paused && open >= maxInFlight) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && open <= maxInFlight / 2) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // commit what is done; what is still in flight will be delivered to the new owner again
            // (at-least-once: without a ledger, such a payment could be sent twice)
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            for (TopicPartition partition : partitions) {
                ArrayDeque<Tracked> records = pending.remove(partition);
                long next = -1;
                while (records != null && !records.isEmpty() && records.peekFirst().done) {
                    next = records.pollFirst().offset + 1;
                }
                if (next >= 0) {
                    commits.put(partition, new OffsetAndMetadata(next));
                }
            }
            if (!commits.isEmpty()) {
                consumer.commitSync(commits);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
                consumer.pause(partitions);
            }
            if (!partitions.isEmpty()) {
                System.out.println("READY " + partitions.size());
                System.out.flush();
            }
        }
    }
}
