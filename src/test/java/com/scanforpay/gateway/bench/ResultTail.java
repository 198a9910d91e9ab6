package com.scanforpay.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a run's results topic from its beginning in the benchmark JVM and notes, per order, when its first
 * final {@code PAY} result was consumed ({@code System.nanoTime()} when the poll returned it) and every result.
 */
final class ResultTail implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One result as consumed: what the checks look at. */
    record Seen(String type, String outcome, String source) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean stop;
    private final Map<String, Long> firstSuccessNanos = new ConcurrentHashMap<>();
    private final Map<String, List<Seen>> byOrder = new ConcurrentHashMap<>();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicInteger unreadable = new AtomicInteger();

    ResultTail(String bootstrap, String topic, int partitions) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(topic, p));
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        thread = new Thread(this::run, "result-tail-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!stop) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime(); // one reading per poll: parsing does not delay later records
                for (ConsumerRecord<String, String> record : records) {
                    note(record, now);
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void note(ConsumerRecord<String, String> record, long now) {
        try {
            JsonNode result = JSON.readTree(record.value());
            String order = result.path("partnerOrderNo").asText(record.key());
            Seen seen = new Seen(result.path("type").asText(), result.path("outcome").asText(),
                    result.path("source").asText());
            byOrder.computeIfAbsent(order, o -> java.util.Collections.synchronizedList(new ArrayList<>())).add(seen);
            if (seen.type().equals("PAY") && seen.outcome().equals("SUCCESS")) {
                firstSuccessNanos.putIfAbsent(order, now);
            }
        } catch (Exception e) {
            unreadable.incrementAndGet();
        } finally {
            consumed.incrementAndGet();
        }
    }

    /** Waits until every order has its PAY SUCCESS; fails naming how many are missing. */
    void awaitSuccess(Collection<String> orders, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            long missing = orders.stream().filter(order -> !firstSuccessNanos.containsKey(order)).count();
            if (missing == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(missing + " of " + orders.size() + " orders have no PAY SUCCESS "
                        + "result after " + atMost + " (other results: " + otherThanSuccess(orders) + ")");
            }
            BenchProcess.sleep(20);
        }
    }

    /** Waits until this tail has consumed {@code records} records of the topic. */
    void awaitConsumed(long records, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (consumed.get() < records) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("consumed " + consumed.get() + " of " + records + " results");
            }
            BenchProcess.sleep(20);
        }
    }

    Long successNanos(String order) {
        return firstSuccessNanos.get(order);
    }

    List<Seen> results(String order) {
        List<Seen> seen = byOrder.get(order);
        return seen == null ? List.of() : List.copyOf(seen);
    }

    long consumed() {
        return consumed.get();
    }

    int unreadable() {
        return unreadable.get();
    }

    private String otherThanSuccess(Collection<String> orders) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (String order : orders) {
            List<Seen> seen = results(order);
            if (seen.stream().anyMatch(s -> !s.outcome().equals("SUCCESS")) && shown++ < 5) {
                out.append(order).append('=').append(seen).append(' ');
            }
        }
        return shown == 0 ? "none" : out.toString().trim();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
