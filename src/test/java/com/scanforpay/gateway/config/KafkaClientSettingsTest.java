package com.scanforpay.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

    @Test
    void clientPropertiesComeFromKafkaSettingsAndTheirEnvironmentVariables() {
        KafkaClientSettings settings = KafkaClientSettings.from(config(
                Map.of("kafka.bootstrap.servers", "kafka:9092", "kafka.sasl.mechanism", "PLAIN"),
                Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.p12")));

        // the environment wins over a properties file, as for every setting
        assertEquals(Map.of("bootstrap.servers", "kafka:9092", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "ssl.truststore.location", "/etc/kafka/ca.p12"),
                settings.properties());
        assertEquals(List.of(), settings.problems());
    }

    @Test
    void namesThatAreNoClientPropertyAreLeftOutAndReported() {
        // KAFKA_PORT and KAFKA_SERVICE_HOST: what Kubernetes sets for a service named kafka
        // a secret file's variable is no property either (its content arrives as KAFKA_SASL_JAAS_CONFIG), also when
        // the configuration lists it by its dotted name
        KafkaClientSettings settings = KafkaClientSettings.from(config(Map.of("kafka.sasl.jaas.confg", "typo",
                "kafka.ssl.truststore.password.file", "/run/secrets/truststore"),
                Map.of("KAFKA_PORT", "tcp://10.0.0.7:9092", "KAFKA_SERVICE_HOST", "10.0.0.7",
                        "KAFKA_SASL_JAAS_CONFIG_FILE", "/run/secrets/jaas")));

        assertEquals(Map.of(), settings.properties());
        assertEquals(List.of("kafka.port", "kafka.sasl.jaas.confg", "kafka.service.host"), settings.unknown());
    }

    @Test
    void propertiesTheGatewaySetsItselfAreRefusedNamingWhatToSetInstead() {
        assertEquals(List.of("kafka.isolation.level is set by the gateway for each of its clients (commands are read "
                + "committed: a command of an aborted transaction is never paid): remove it",
                "kafka.partitioner.ignore.keys is set by the gateway for each of its clients (an order's results stay "
                        + "on one partition, in order (keyed by order)): remove it"),
                KafkaClientSettings.from(config(Map.of(), Map.of("KAFKA_ISOLATION_LEVEL", "read_uncommitted",
                        "KAFKA_PARTITIONER_IGNORE_KEYS", "true"))).problems());
        KafkaClientSettings settings = KafkaClientSettings.from(config(Map.of("kafka.group.id", "mine"),
                Map.of("KAFKA_ACKS", "1", "KAFKA_ENABLE_AUTO_COMMIT", "true")));

        assertEquals(List.of(
                "kafka.acks is set by the gateway for each of its clients (results are published with acks=all): "
                        + "remove it",
                "kafka.enable.auto.commit is set by the gateway for each of its clients (the gateway commits a "
                        + "command's offset once its result is published): remove it",
                "kafka.group.id is set by the gateway for each of its clients (set SCANFORPAY_CONSUMER_GROUP_ID): "
                        + "remove it"), settings.problems());
    }

    private static SmallRyeConfig config(Map<String, String> properties, Map<String, String> environment) {
        return new SmallRyeConfigBuilder().withInterceptors(new SecretFileVariables()).withSources(new PropertiesConfigSource(properties, "test", 250),
                new EnvConfigSource(environment, 300)).build();
    }
}
