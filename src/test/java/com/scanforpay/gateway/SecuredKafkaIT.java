package com.scanforpay.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.devstack.LocalKafkaBroker.SecuredListeners;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.Commands;
import com.scanforpay.gateway.testing.GatewayProcess;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged gateway against the secured listeners of the test stack's broker (TLS with the stack's own certificate
 * authority), configured only by {@code KAFKA_*} client properties and with every secret read from a file
 * ({@code …_FILE}): it pays through SASL_SSL (SCRAM-SHA-512, PLAIN) and mutual TLS, and a refused password shows on
 * readiness by name. The test's own clients use the broker's PLAINTEXT listener.
 */
class SecuredKafkaIT {

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    private static final String API_KEY = "till-key-for-secured-kafka-5b1d";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMANDS_PREFIX = "it.secured.";
    private static final String CLIENT_CERTIFICATE = "gateway-client";

    @TempDir
    Path secrets;

    /**
     * The broker's secured listeners allow only what ACLs grant: exactly the list of docs/configuration.md §6, for the
     * SASL user and the client certificate (the commands topics of this test share a prefix).
     */
    @BeforeAll
    static void grantTheDocumentedAcls() throws Exception {
        List<AclBinding> acls = new ArrayList<>();
        for (String principal : List.of("User:" + GatewayTestStack.KAFKA_USER, "User:CN=" + CLIENT_CERTIFICATE)) {
            acls.add(allow(principal, ResourceType.TOPIC, COMMANDS_PREFIX, PatternType.PREFIXED, AclOperation.READ));
            acls.add(allow(principal, ResourceType.TOPIC, COMMANDS_PREFIX, PatternType.PREFIXED,
                    AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, GatewayTestStack.RESULTS, PatternType.LITERAL,
                    AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, GatewayTestStack.RESULTS, PatternType.LITERAL,
                    AclOperation.READ));
            acls.add(allow(principal, ResourceType.TOPIC, GatewayTestStack.DLQ, PatternType.LITERAL,
                    AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.GROUP, GatewayTestStack.GROUP, PatternType.LITERAL,
                    AclOperation.READ));
            acls.add(allow(principal, ResourceType.GROUP, "scanforpay-api-", PatternType.PREFIXED,
                    AclOperation.READ));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                GatewayTestStack.broker().bootstrapServers()))) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-512", "PLAIN"})
    void paysThroughTheSaslSslListenerWithEverySecretFromAFile(String mechanism) {
        Map<String, String> env = secretsFromFiles();
        env.put("KAFKA_BOOTSTRAP_SERVERS", listeners().saslSslBootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", mechanism);
        env.put("KAFKA_SASL_JAAS_CONFIG_FILE", secret("kafka-jaas", jaas(mechanism, GatewayTestStack.KAFKA_PASSWORD)));
        trustTheStackAuthority(env);

        try (GatewayProcess gateway = GatewayProcess.start("secured-" + mechanism, env).awaitReady()) {
            assertPaysByKafkaAndHttp(gateway, env);
            assertNoSecretIn(gateway.log());
        }
    }

    @Test
    void paysThroughTheMutualTlsListenerWithAClientCertificate() {
        Map<String, String> env = secretsFromFiles();
        env.put("KAFKA_BOOTSTRAP_SERVERS", listeners().sslBootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SSL");
        env.put("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12");
        env.put("KAFKA_SSL_KEYSTORE_LOCATION", GatewayTestStack.certificates().keyStore(CLIENT_CERTIFICATE).toString());
        env.put("KAFKA_SSL_KEYSTORE_PASSWORD_FILE", secret("keystore-password", listeners().storePassword()));
        env.put("KAFKA_SSL_KEY_PASSWORD_FILE", secret("key-password", listeners().storePassword()));
        trustTheStackAuthority(env);

        try (GatewayProcess gateway = GatewayProcess.start("secured-mtls", env).awaitReady()) {
            assertPaysByKafkaAndHttp(gateway, env);
            assertNoSecretIn(gateway.log());
        }
    }

    @Test
    void aRefusedPasswordKeepsTheGatewayUnreadyNamingTheAuthenticationFailure() {
        String wrong = "not-the-kafka-password-91c4";
        try (GatewayProcess gateway = GatewayProcess.start("secured-wrong-password", scram(wrong))) {
            JsonNode kafka = await("readiness names the refused password").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).ignoreException(UncheckedIOException.class) // starting
                    .until(() -> check(gateway, "Kafka"), check -> check != null
                            && check.path("data").path("error").asText().contains("authentication failed"));
            assertEquals("DOWN", kafka.path("status").asText());
            assertTrue(kafka.path("data").path("error").asText().contains("SCRAM-SHA-512"), kafka.toString());
            assertEquals(503, gateway.readiness().statusCode());
            assertFalse(gateway.readiness().body().contains(wrong), "no password on readiness");
            assertFalse(gateway.log().contains(wrong), "no password in the log");
        }
    }

    @Test
    void aConsumerGroupWithoutRightsKeepsTheGatewayUnreadyNamingTheGroup() {
        Map<String, String> env = scram(GatewayTestStack.KAFKA_PASSWORD);
        env.put("SCANFORPAY_CONSUMER_GROUP_ID", "a-group-without-acls");

        try (GatewayProcess gateway = GatewayProcess.start("secured-no-group-rights", env)) {
            JsonNode commands = await("readiness names the group refused").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).ignoreException(UncheckedIOException.class) // starting
                    .until(() -> check(gateway, "Payment commands"), check -> check != null
                            && check.path("data").path("consumer").asText().contains("a-group-without-acls"));
            assertEquals("DOWN", commands.path("status").asText());
            assertTrue(commands.path("data").path("consumer").asText().startsWith("GroupAuthorizationException"),
                    commands.toString());
            assertEquals("UP", check(gateway, "Kafka").path("status").asText(), "the broker itself is reached");
            assertEquals(503, gateway.readiness().statusCode());
        }
    }

    @Test
    void settingsTheGatewayOwnsAndBrokenSecretFilesStopStartUpNamingEachInOneLine() {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("KAFKA_ACKS", "1");
        env.put("KAFKA_ENABLE_AUTO_COMMIT", "true");
        env.put("SCANFORPAY_SIGN_KEY_FILE", secret("sign-key", "another-sign-key"));
        env.put("QUARKUS_DATASOURCE_PASSWORD_FILE", secrets.resolve("no-such-file").toString());
        env.remove("QUARKUS_DATASOURCE_PASSWORD");
        GatewayProcess gateway = GatewayProcess.start("secured-refused", env);
        assertNotEquals(0, gateway.waitForExit(Duration.ofSeconds(60)));

        List<String> lines = gateway.log().lines().toList();
        for (String problem : List.of("kafka.acks is set by the gateway",
                "kafka.enable.auto.commit is set by the gateway",
                "SCANFORPAY_SIGN_KEY_FILE: SCANFORPAY_SIGN_KEY is set too",
                "QUARKUS_DATASOURCE_PASSWORD_FILE: cannot read " + secrets.resolve("no-such-file"))) {
            assertEquals(1, lines.stream().filter(line -> line.contains(problem)).count(),
                    problem + " on one line in:\n" + gateway.log());
        }
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ")), "no stack trace:\n" + gateway.log());
    }

    /**
     * The stack's settings with the sign key, database password and an API key from files instead. (The test
     * PostgreSQL trusts loopback connections, so only the sign key and the API key prove their file's content is
     * used; a missing password file is refused by name.)
     */
    private Map<String, String> secretsFromFiles() {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_TOPIC_COMMANDS", newCommandsTopic());
        env.put("SCANFORPAY_SIGN_KEY_FILE", secret("sign-key", env.remove("SCANFORPAY_SIGN_KEY") + "\n"));
        env.put("QUARKUS_DATASOURCE_PASSWORD_FILE", secret("db-password",
                env.remove("QUARKUS_DATASOURCE_PASSWORD")));
        env.put("SCANFORPAY_API_KEYS_TILL_FILE", secret("api-key", API_KEY + "\n"));
        return env;
    }

    /** The stack's settings through the SASL_SSL listener with SCRAM-SHA-512 and {@code password}, given inline. */
    private Map<String, String> scram(String password) {
        Map<String, String> env = new HashMap<>(GatewayTestStack.environment());
        env.put("SCANFORPAY_TOPIC_COMMANDS", newCommandsTopic());
        env.put("KAFKA_BOOTSTRAP_SERVERS", listeners().saslSslBootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KAFKA_SASL_JAAS_CONFIG", jaas("SCRAM-SHA-512", password));
        trustTheStackAuthority(env);
        return env;
    }

    private void trustTheStackAuthority(Map<String, String> env) {
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", listeners().trustStore().toString());
        env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", secret("truststore-password", listeners().storePassword()));
    }

    /** One payment by Kafka, one by HTTP with the key from its file: each paid once, each with its SUCCESS result. */
    private static void assertPaysByKafkaAndHttp(GatewayProcess gateway, Map<String, String> env) {
        String byKafka = OrderNumbers.next("sk");
        TOPICS.kafka().send(env.get("SCANFORPAY_TOPIC_COMMANDS"), byKafka,
                Commands.pay(byKafka, SandboxBarcodes.PAID, 2100));
        await("the result of " + byKafka).atMost(Duration.ofSeconds(30))
                .until(() -> !TOPICS.results().withKey(byKafka).isEmpty());
        assertEquals("SUCCESS", TOPICS.results().jsonWithKey(byKafka).get(0).path("outcome").asText());

        String byHttp = OrderNumbers.next("sk");
        HttpResponse<String> answer = post(gateway, Commands.pay(byHttp, SandboxBarcodes.PAID, 2100), API_KEY);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"SUCCESS\""), answer.body());
        await("the result of " + byHttp + " published").atMost(Duration.ofSeconds(30))
                .until(() -> !TOPICS.results().withKey(byHttp).isEmpty());

        assertEquals(1, GatewayTestStack.sandbox().payCalls(byKafka));
        assertEquals(1, GatewayTestStack.sandbox().payCalls(byHttp));
        // the variable naming the key's file is no key itself
        assertEquals(401, post(gateway, Commands.pay(OrderNumbers.next("sk"), SandboxBarcodes.PAID, 2100),
                env.get("SCANFORPAY_API_KEYS_TILL_FILE")).statusCode());
    }

    private static HttpResponse<String> post(GatewayProcess gateway, String body, String key) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(gateway.baseUrl() + "/payments?wait=10s"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertNoSecretIn(String log) {
        for (String secret : List.of(GatewayTestStack.KAFKA_PASSWORD, listeners().storePassword(),
                GatewayTestStack.SIGN_KEY, API_KEY)) {
            assertFalse(log.contains(secret), "a secret in the log:\n" + log);
        }
    }

    private static JsonNode check(GatewayProcess gateway, String name) {
        JsonNode checks;
        try {
            checks = JSON.readTree(gateway.readiness().body()).path("checks");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode check : checks) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        return null;
    }

    private static String jaas(String mechanism, String password) {
        String module = mechanism.startsWith("SCRAM") ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
        return module + " required username=\"" + GatewayTestStack.KAFKA_USER + "\" password=\"" + password + "\";";
    }

    private String secret(String name, String content) {
        try {
            return Files.writeString(secrets.resolve(name), content).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SecuredListeners listeners() {
        return GatewayTestStack.broker().secured();
    }

    private static String newCommandsTopic() {
        String topic = COMMANDS_PREFIX + UUID.randomUUID().toString().substring(0, 8);
        GatewayTestStack.broker().createTopic(topic, 3);
        return topic;
    }
}
