package com.scanforpay.gateway.kafka;

import com.scanforpay.gateway.command.CommandConsumer;
import com.scanforpay.gateway.command.CommandIntake;
import com.scanforpay.gateway.config.ScanForPayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Every Kafka endpoint of the gateway, with its options, in one place. */
@ApplicationScoped
public class KafkaEndpoints {

    /** Dead letters carry a command as large as the commands topic allows, plus headers; the broker decides. */
    private static final int DEAD_LETTER_MAX_REQUEST_SIZE = 2 * 1024 * 1024;

    @Inject
    ScanForPayConfig config;
    @Inject
    KafkaClients kafkaClients;
    @Inject
    CommandIntake intake;
    @Inject
    MeterRegistry meters;

    /** Results, keyed by {@code partnerOrderNo}. */
    public String results() {
        return reliable(config.topic().results(), StringSerializer.class);
    }

    /** Commands submitted over the HTTP API, keyed by {@code partnerOrderNo}, like any other producer's. */
    public String commands() {
        return reliable(config.topic().commands(), StringSerializer.class);
    }

    /** Dead letters: the rejected record's key and value as they came. */
    public String deadLetters() {
        return reliable(config.topic().dlq(), ByteArraySerializer.class)
                + "&maxRequestSize=" + DEAD_LETTER_MAX_REQUEST_SIZE;
    }

    /**
     * The results topic as a notification stream for the API's waiting requests, not work: a group of its own per
     * instance (every instance sees every result), from the end; nothing is lost by skipping earlier records,
     * since a request that started waiting before this consumer saw a result finds it in the ledger.
     */
    public String resultsForWaiters() {
        return "kafka:" + config.topic().results()
                + "?groupId=scanforpay-api-" + UUID.randomUUID()
                + "&autoOffsetReset=latest"
                + "&autoCommitEnable=true"
                + "&pollTimeoutMs=100"
                // fetched in larger, fewer requests: results produced here answer their waiters directly, only
                // those of other instances come this way (at most 100 ms later)
                + "&fetchMinBytes=65536"
                + "&fetchWaitMaxMs=100"
                + "&keyDeserializer=" + StringDeserializer.class.getName()
                + "&valueDeserializer=" + ByteArrayDeserializer.class.getName();
    }

    /**
     * A producer whose sends are done only once every in-sync replica has the record (acks=all, idempotent), and
     * fail within about {@code publishTimeout} (blocked for metadata, then as long for delivery) instead of Kafka's
     * minutes. Values are bytes.
     */
    private String reliable(String topic, Class<? extends Serializer<?>> keySerializer) {
        Duration publishTimeout = config.publishTimeout();
        return "kafka:" + topic
                + "?requestRequiredAcks=all"
                + "&deliveryTimeoutMs=" + publishTimeout.toMillis()
                + "&requestTimeoutMs=" + Math.min(publishTimeout.toMillis(), 30_000)
                + "&maxBlockMs=" + publishTimeout.toMillis()
                + "&keySerializer=" + keySerializer.getName()
                + "&valueSerializer=" + ByteArraySerializer.class.getName();
    }

    /**
     * The commands topic, read by the gateway's own consumer ({@link CommandConsumer}). Its Kafka client is
     * configured exactly as a camel-kafka consumer of the topic would be (brokers, any
     * {@code camel.component.kafka.*} setting and the {@code kafka.*} client properties of {@link KafkaClients}),
     * then fixed where the gateway needs it: its own commits, from the earliest record, committed records only,
     * bytes in.
     */
    public Endpoint commandsConsumer(CamelContext camel) {
        ScanForPayConfig.Consumer consumer = config.consumer();
        KafkaConfiguration kafka = camel.getEndpoint("kafka:" + config.topic().commands(), KafkaEndpoint.class)
                .getConfiguration();
        // a fraction of what may run, so that one poll never takes it past max-in-flight
        int maxPollRecords = Math.max(1, consumer.maxInFlight() / 4);
        Properties props = kafkaClients.consumerProperties(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, consumer.groupId());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(consumer.sessionTimeout().toMillis()));
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                String.valueOf(consumer.sessionTimeout().toMillis() / 3));
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(consumer.maxPollInterval().toMillis()));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // an ERP publishing in transactions: the command of an aborted one is never seen, so never paid
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        props.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return new CommandConsumer.CommandsEndpoint(camel, new CommandConsumer.Settings(config.topic().commands(),
                () -> new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                consumer.pollTimeout(), consumer.maxInFlight(), maxPollRecords, revokeWait(),
                Duration.ofMillis(kafka.getCommitTimeoutMs()), intake, meters));
    }

    /**
     * How long a rebalance waits for the running commands of the partitions taken away: about the longest one
     * provider call and its publishing take, and well within the poll interval (the rebalance waits for it, and
     * the whole group with it).
     */
    private Duration revokeWait() {
        Duration call = config.connectTimeout().plus(config.responseTimeout()).plus(config.publishTimeout()
                .multipliedBy(2));
        Duration room = config.consumer().maxPollInterval().dividedBy(2);
        return call.compareTo(room) < 0 ? call : room;
    }
}
