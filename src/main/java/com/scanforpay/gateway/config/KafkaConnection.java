package com.scanforpay.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * Where Kafka is ({@code KAFKA_BOOTSTRAP_SERVERS}). Mapped only so that start-up names it, with the other
 * missing settings, in one line each; Camel reads it through {@code camel.component.kafka.brokers}.
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaConnection {

    @WithName("bootstrap.servers")
    String bootstrapServers();
}
