package com.scanforpay.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import jakarta.validation.constraints.Null;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Where Kafka is ({@code KAFKA_BOOTSTRAP_SERVERS}) and how to reach it: every other {@code kafka.*} setting is a
 * Kafka client property for all the gateway's clients ({@link KafkaClientSettings}). Mapped so that start-up names
 * missing or refused settings, with the others, in one line each; Camel reads the servers through
 * {@code camel.component.kafka.brokers}.
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaConnection {

    @WithName("bootstrap.servers")
    String bootstrapServers();

    /**
     * Every {@code kafka.*} setting, so that each is a known one; {@link KafkaClientSettings} reads them by name
     * (environment variables included, which a map could not name).
     */
    @WithParentName
    Map<String, String> clientProperties();

    /** Client properties the gateway sets itself, one line each; any stops start-up. */
    default List<@Null(message = "${validatedValue}") String> getClientSettingProblems() {
        return KafkaClientSettings.from(ConfigProvider.getConfig()).problems();
    }
}
