package com.scanforpay.gateway.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * The Kafka client properties an operator gives once, for every consumer, producer and admin client of the gateway:
 * {@code kafka.<client property>} (e.g. {@code kafka.security.protocol}) or its environment variable
 * {@code KAFKA_<CLIENT_PROPERTY>} ({@code KAFKA_SECURITY_PROTOCOL}), read as Quarkus' Kafka extension reads them.
 * Properties the gateway sets itself, because its guarantees rest on them, are refused; names that are no Kafka client
 * property (a typo, or a container's {@code KAFKA_PORT} service variable) are reported and left out.
 */
public record KafkaClientSettings(Map<String, String> properties, List<String> unknown) {

    private static final String PREFIX = "kafka.";
    private static final String ENV_PREFIX = "KAFKA_";

    /** What the gateway decides itself, and what to set instead. */
    private static final Map<String, String> OWNED = Map.ofEntries(
            Map.entry("group.id", "set SCANFORPAY_CONSUMER_GROUP_ID"),
            Map.entry("client.id", "each client of the gateway has its own"),
            Map.entry("enable.auto.commit", "the gateway commits a command's offset once its result is published"),
            Map.entry("auto.offset.reset", "commands are read from the earliest uncommitted one"),
            Map.entry("acks", "results are published with acks=all"),
            Map.entry("enable.idempotence", "results are published by idempotent producers"),
            Map.entry("transactional.id", "the gateway publishes without transactions"),
            Map.entry("delivery.timeout.ms", "set SCANFORPAY_PUBLISH_TIMEOUT"),
            Map.entry("max.block.ms", "set SCANFORPAY_PUBLISH_TIMEOUT"),
            Map.entry("request.timeout.ms", "derived from SCANFORPAY_PUBLISH_TIMEOUT"),
            Map.entry("max.poll.records", "derived from SCANFORPAY_CONSUMER_MAX_IN_FLIGHT"),
            Map.entry("max.poll.interval.ms", "set SCANFORPAY_CONSUMER_MAX_POLL_INTERVAL"),
            Map.entry("session.timeout.ms", "set SCANFORPAY_CONSUMER_SESSION_TIMEOUT"),
            Map.entry("heartbeat.interval.ms", "a third of SCANFORPAY_CONSUMER_SESSION_TIMEOUT"),
            Map.entry("fetch.min.bytes", "tuned by the gateway per consumer"),
            Map.entry("partitioner.class", "an order's results stay on one partition, in order (keyed by order)"),
            Map.entry("partitioner.ignore.keys", "an order's results stay on one partition, in order (keyed by order)"),
            Map.entry("group.instance.id", "each instance is a dynamic member of the commands group"),
            Map.entry("group.protocol", "the gateway sets the session timeout and heartbeats of the classic protocol"),
            Map.entry("group.remote.assignor", "the gateway sets the session timeout and heartbeats of the classic "
                    + "protocol"),
            Map.entry("partition.assignment.strategy", "the commands consumer's rebalances wait for running "
                    + "commands, as the gateway's default assignor expects"),
            Map.entry("isolation.level", "commands are read committed: a command of an aborted transaction is never "
                    + "paid"),
            Map.entry("fetch.max.wait.ms", "tuned by the gateway per consumer"),
            Map.entry("key.serializer", "the gateway's records have string keys and byte values"),
            Map.entry("value.serializer", "the gateway's records have string keys and byte values"),
            Map.entry("key.deserializer", "the gateway's records have string keys and byte values"),
            Map.entry("value.deserializer", "the gateway's records have string keys and byte values"));

    private static final Set<String> CLIENT_PROPERTIES = clientProperties();

    /** The settings given in {@code config}. */
    public static KafkaClientSettings from(Config config) {
        Map<String, String> properties = new TreeMap<>();
        Set<String> unknown = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            String property = clientProperty(name);
            if (property == null) {
                continue;
            }
            if (!CLIENT_PROPERTIES.contains(property)) {
                unknown.add(PREFIX + property); // once, whether named as a variable or a property
                continue;
            }
            // by the dotted name: the source with the highest ordinal wins, as for every other setting
            config.getOptionalValue(PREFIX + property, String.class).ifPresent(v -> properties.put(property, v));
        }
        return new KafkaClientSettings(Collections.unmodifiableMap(properties), List.copyOf(unknown));
    }

    /** The Kafka client property a setting's name stands for, or null when it is no {@code kafka.*} setting. */
    static String clientProperty(String name) {
        if (name.startsWith(PREFIX)) {
            return name.substring(PREFIX.length());
        }
        if (name.startsWith(ENV_PREFIX)) {
            // Kafka's property names have dots where the environment has underscores, and no upper case
            return name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        return null;
    }

    /** One line for each property the gateway sets itself; any stops start-up. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (String property : properties.keySet()) {
            String instead = OWNED.get(property);
            if (instead != null) {
                problems.add(PREFIX + property + " is set by the gateway for each of its clients (" + instead
                        + "): remove it");
            }
        }
        return problems;
    }

    private static Set<String> clientProperties() {
        Set<String> names = new HashSet<>(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
