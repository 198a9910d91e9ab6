package com.scanforpay.gateway.payment;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Numbers the command consumer's fetches: every record gets a header with the number of the poll that fetched it,
 * ever increasing in this JVM. A rewind ({@link OffsetProgress}) then knows exactly which records were fetched before
 * it (camel-kafka hands them over after the rewind, one poll late) and which after it, whatever a rebalance did to
 * the partition meanwhile. Installed by Kafka itself ({@code interceptor.classes}), on the commands consumer only.
 */
public final class FetchNumbering implements ConsumerInterceptor<Object, Object> {

    /** The record header holding its fetch number (8 bytes, big-endian). */
    static final String HEADER = "scanforpay-fetch";

    private static final AtomicLong FETCHES = new AtomicLong();

    /** The number of the latest fetch: every record fetched from now on has a higher one. */
    static long latest() {
        return FETCHES.get();
    }

    /** The fetch number of a record's headers; 0 (before everything) when it has none. */
    static long of(Iterable<Header> headers) {
        Header last = null;
        for (Header header : headers) {
            if (HEADER.equals(header.key())) {
                last = header;
            }
        }
        return last == null || last.value() == null || last.value().length != Long.BYTES ? 0
                : ByteBuffer.wrap(last.value()).getLong();
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        byte[] number = ByteBuffer.allocate(Long.BYTES).putLong(FETCHES.incrementAndGet()).array();
        for (ConsumerRecord<Object, Object> record : records) {
            // a producer's header of the same name is overridden: ours is read as the last one
            record.headers().add(HEADER, number);
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
