package com.scanforpay.gateway.payment;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The command consumer's only way of committing offsets: after a batch is fully processed, on the consumer's
 * own thread, one synchronous commit of the offset after each partition's last record.
 *
 * <p>Being a custom {@link KafkaManualCommitFactory} makes camel-kafka 4.17 pick its no-op commit manager, so
 * Camel itself never commits (on revocation, on stop, after a batch): the pitfalls CAMEL-23994, CAMEL-23997 and
 * CAMEL-18985 cannot commit a record whose result is not yet acknowledged.
 */
public final class ProcessedOffsetCommit implements KafkaManualCommitFactory {

    /** Where one record sits; its {@link #commit()} alone is never used (a batch commits all partitions at once). */
    record RecordPosition(Consumer<?, ?> consumer, TopicPartition partition, long offset, Duration timeout)
            implements KafkaManualCommit {
        @Override
        public void commit() {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset + 1)), timeout);
        }
    }

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload camel, KafkaRecordPayload record,
            CommitManager commitManager) {
        return new RecordPosition(camel.consumer, record.partition, record.recordOffset,
                Duration.ofMillis(record.commitTimeout));
    }

    /**
     * Commits, for each partition in the batch, the offset after its highest record. Must run on the consumer
     * thread that polled the batch (the Kafka consumer is single-threaded).
     */
    public static void commitBatch(List<Exchange> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Consumer<?, ?> consumer = null;
        Duration timeout = null;
        for (Exchange record : records) {
            RecordPosition position = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, RecordPosition.class);
            offsets.merge(position.partition(), new OffsetAndMetadata(position.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
            consumer = position.consumer();
            timeout = position.timeout();
        }
        if (consumer != null) {
            consumer.commitSync(offsets, timeout);
        }
    }
}
