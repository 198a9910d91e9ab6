package com.scanforpay.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/**
 * A test's view of the real broker: sends command records, and records everything on a topic from the moment
 * it is opened (a background consumer that reads from the end, so earlier tests' records are not seen).
 */
public final class KafkaTopics implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Tail> tails = new ArrayList<>();

    public KafkaTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void send(String topic, String key, String value) {
        send(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public void send(String topic, byte[] key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /** Sends {@link Commands#pay(String, String, int)} to {@code topic}, under the order. */
    public void pay(String topic, String order, String barcode, int amount) {
        send(topic, order, Commands.pay(order, barcode, amount));
    }

    /** Sends {@link Commands#refund(String, String, int)} to {@code topic}, under the order. */
    public void refund(String topic, String order, String refundNo, int amount) {
        send(topic, order, Commands.refund(order, refundNo, amount));
    }

    /** Starts recording {@code topic} from its current end; returns once the consumer holds its partitions. */
    public Tail tail(String topic) {
        Tail tail = new Tail(topic);
        tails.add(tail);
        return tail;
    }

    /**
     * Waits until consumer group {@code group} has committed everything on {@code topic} now: every command sent
     * before the call has been processed and its results acknowledged.
     */
    public void awaitConsumed(String group, String topic) {
        Map<Integer, Long> end = endOffsets(topic);
        Properties props = new Properties();
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            Awaitility.await(group + " consumed " + topic).atMost(Duration.ofSeconds(30)).until(() -> {
                Map<Integer, Long> committed = new java.util.HashMap<>();
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((p, o) -> {
                    if (p.topic().equals(topic) && o != null) {
                        committed.put(p.partition(), o.offset());
                    }
                });
                return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
            });
        }
    }

    /** The next offset of each partition of {@code topic}. */
    public Map<Integer, Long> endOffsets(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
            Map<Integer, Long> end = new java.util.HashMap<>();
            consumer.endOffsets(partitions, Duration.ofSeconds(30)).forEach((p, o) -> end.put(p.partition(), o));
            return end;
        }
    }

    @Override
    public void close() {
        tails.forEach(Tail::close);
        producer.close(Duration.ofSeconds(5));
    }

    /** One record as received, with text views of key, value and headers. */
    public record Received(int partition, long offset, byte[] keyBytes, byte[] valueBytes, Map<String, String> headers) {
        public String key() {
            return keyBytes == null ? null : new String(keyBytes, StandardCharsets.UTF_8);
        }

        public String value() {
            return valueBytes == null ? null : new String(valueBytes, StandardCharsets.UTF_8);
        }

        /** The value parsed as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(valueBytes);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON at offset " + offset + ": " + value(), e);
            }
        }
    }

    public final class Tail implements AutoCloseable {
        private final List<Received> received = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);

        private final String topic;
        private final Map<Integer, Long> startOffsets = new java.util.concurrent.ConcurrentHashMap<>();

        Tail(String topic) {
            this.topic = topic;
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            thread = new Thread(() -> run(topic, props), "tail-" + topic);
            thread.setDaemon(true);
            thread.start();
            try {
                if (!assigned.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no partitions assigned for " + topic);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private void run(String topic, Properties props) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                // resolve "end" now, before the test sends anything
                partitions.forEach(partition -> startOffsets.put(partition.partition(), consumer.position(partition)));
                assigned.countDown();
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        Map<String, String> headers = new java.util.LinkedHashMap<>();
                        for (Header header : record.headers()) {
                            headers.put(header.key(), header.value() == null ? null
                                    : new String(header.value(), StandardCharsets.UTF_8));
                        }
                        received.add(new Received(record.partition(), record.offset(), record.key(), record.value(),
                                headers));
                    }
                }
            }
        }

        public List<Received> all() {
            return List.copyOf(received);
        }

        /**
         * Waits until this tail has read everything on the topic now: afterwards, whatever was acknowledged
         * before the call is in {@link #all()}.
         */
        public void awaitCaughtUp() {
            Map<Integer, Long> end = endOffsets(topic);
            Awaitility.await("tail of " + topic + " caught up").atMost(Duration.ofSeconds(30))
                    .until(() -> end.entrySet().stream().allMatch(partition -> partition.getValue() == 0
                            || received.stream().anyMatch(r -> r.partition() == partition.getKey()
                                    && r.offset() >= partition.getValue() - 1)
                            || partition.getValue() <= startOffsets.getOrDefault(partition.getKey(), 0L)));
        }

        public List<Received> withKey(String key) {
            return received.stream().filter(r -> key.equals(r.key())).toList();
        }

        /** Waits up to {@code wait} until at least {@code count} records under {@code key} have arrived; them all. */
        public List<Received> awaitWithKey(String key, int count, Duration wait) {
            Awaitility.await(count + " under " + key + " on " + topic).atMost(wait)
                    .until(() -> withKey(key).size() >= count);
            return withKey(key);
        }

        /** {@link #awaitWithKey(String, int, Duration)}, the values parsed as JSON. */
        public List<JsonNode> awaitJsonWithKey(String key, int count, Duration wait) {
            awaitWithKey(key, count, wait);
            return jsonWithKey(key);
        }

        /** Waits up to {@code wait} until a record that {@code match}es has arrived; the first of them. */
        public Received awaitFirst(Predicate<Received> match, Duration wait) {
            return Awaitility.await("a matching record on " + topic).atMost(wait)
                    .until(() -> received.stream().filter(match).findFirst().orElse(null),
                            Objects::nonNull);
        }

        /** The values under {@code key}, each parsed as JSON (results and dead letters are JSON objects). */
        public List<JsonNode> jsonWithKey(String key) {
            return withKey(key).stream().map(Received::json).toList();
        }

        /**
         * For each value under {@code key}, the given fields joined by "/", e.g. {@code outcome} or
         * {@code outcome/source} of each result.
         */
        public List<String> fieldsWithKey(String key, String... fields) {
            return jsonWithKey(key).stream().map(value -> Arrays.stream(fields)
                    .map(field -> value.path(field).asText()).collect(Collectors.joining("/"))).toList();
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
