package com.scanforpay.gateway.payment;

import java.time.Duration;
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
 * Makes camel-kafka leave every commit of the commands topic to the gateway: {@link CommandBatchDispatcher} commits,
 * after each batch and on the consumer's own thread, each partition up to its first record not done.
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

    /** How long a commit of the records of {@code record}'s consumer may block (camel-kafka's commit timeout). */
    public static Duration timeoutOf(Exchange record) {
        return record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, RecordPosition.class).timeout();
    }
}
