package com.scanforpay.gateway.kafka;

import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Endpoint URIs of the gateway's Kafka producers, in one place. */
public final class KafkaProducers {

    private KafkaProducers() {
    }

    /**
     * A producer whose sends are done only once every in-sync replica has the record (acks=all, idempotent), and
     * fail within about {@code publishTimeout} (blocked for metadata, then as long for delivery) instead of Kafka's
     * minutes. Keys are strings unless {@code keySerializer} says otherwise; values are bytes.
     */
    public static String reliable(String topic, Class<? extends Serializer<?>> keySerializer, Duration publishTimeout) {
        return "kafka:" + topic
                + "?requestRequiredAcks=all"
                + "&deliveryTimeoutMs=" + publishTimeout.toMillis()
                + "&requestTimeoutMs=" + Math.min(publishTimeout.toMillis(), 30_000)
                + "&maxBlockMs=" + publishTimeout.toMillis()
                + "&keySerializer=" + keySerializer.getName()
                + "&valueSerializer=" + ByteArraySerializer.class.getName();
    }

    /** {@link #reliable(String, Class, Duration)} with string keys. */
    public static String reliable(String topic, Duration publishTimeout) {
        return reliable(topic, StringSerializer.class, publishTimeout);
    }
}
