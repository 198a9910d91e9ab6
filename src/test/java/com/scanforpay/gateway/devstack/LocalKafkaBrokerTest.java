package com.scanforpay.gateway.devstack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalKafkaBrokerTest {

    @TempDir
    Path tmp;

    @Test
    void producesAndConsumesThenStopsTheProcess() throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.start(tmp.resolve("kafka"), 0);
        long pid = broker.pid();
        int port = broker.port();
        try (broker) {
            assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
            assertTrue(broker.isRunning());
            assertTrue(Files.isRegularFile(broker.logFile()));

            IllegalStateException busy = assertThrows(IllegalStateException.class,
                    () -> LocalKafkaBroker.start(broker.dataDir(), 0), "second broker on the same data directory");
            assertTrue(busy.getMessage().contains("in use"), busy.getMessage());

            broker.createTopic("lkb.roundtrip", 2);
            broker.createTopic("lkb.roundtrip", 2); // idempotent

            RecordMetadata sent = produce(broker, "lkb.roundtrip", "order-1", "hello");

            // a consumer group: exercises __consumer_offsets creation and the group coordinator
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(broker, "lkb-test-group"))) {
                consumer.subscribe(List.of("lkb.roundtrip"));
                List<ConsumerRecord<String, String>> received = pollUntilAny(consumer);
                assertEquals(1, received.size());
                assertEquals("order-1", received.get(0).key());
                assertEquals("hello", received.get(0).value());
                assertEquals(sent.partition(), received.get(0).partition());
                consumer.commitSync(Duration.ofSeconds(10));
            }
        }

        assertFalse(broker.isRunning());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker JVM " + pid + " still alive");
        assertFalse(accepts(port), "port " + port + " still accepts connections");
        broker.close(); // idempotent
    }

    @Test
    void recordsSurviveARestartOnTheSameDataDir() throws Exception {
        Path dataDir = tmp.resolve("kafka-restart");
        String value = "survivor-" + UUID.randomUUID();

        try (LocalKafkaBroker first = LocalKafkaBroker.start(dataDir, 0)) {
            first.createTopic("lkb.restart", 1);
            produce(first, "lkb.restart", "k", value);
        }

        try (LocalKafkaBroker second = LocalKafkaBroker.start(dataDir, 0)) {
            second.createTopic("lkb.restart", 1); // exists already: no-op
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(second, null))) {
                TopicPartition partition = new TopicPartition("lkb.restart", 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                List<ConsumerRecord<String, String>> received = pollUntilAny(consumer);
                assertEquals(List.of(value), received.stream().map(ConsumerRecord::value).collect(Collectors.toList()));
            }
        }
    }

    @Test
    void startUpFailureReportsTheBrokerLog() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> LocalKafkaBroker.start(tmp.resolve("kafka-bad"), 0, Map.of("num.partitions", "-1")));
        assertTrue(failure.getMessage().contains("exited with code"), failure.getMessage());
        assertTrue(failure.getMessage().contains("num.partitions"), "log tail expected in: " + failure.getMessage());
    }

    private static RecordMetadata produce(LocalKafkaBroker broker, String topic, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> consumerConfig(LocalKafkaBroker broker, String groupId) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return config;
    }

    private static List<ConsumerRecord<String, String>> pollUntilAny(KafkaConsumer<String, String> consumer) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInSameThread() // KafkaConsumer is single-threaded
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                    return !received.isEmpty();
                });
        return received;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
