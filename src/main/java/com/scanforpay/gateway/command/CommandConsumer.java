package com.scanforpay.gateway.command;

import com.scanforpay.gateway.command.CommandDispatcher.Command;
import com.scanforpay.gateway.command.OffsetProgress.Fate;
import com.scanforpay.gateway.command.OffsetProgress.Rewind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The commands topic's consumer: a pipeline, not lock-step batches. It keeps polling while commands run, hands each
 * poll's records to the route ({@link CommandDispatcher}), and after every poll commits each partition up to its
 * first record not done ({@link OffsetProgress}): a result acknowledged by Kafka comes before its offset, always.
 * <ul>
 * <li>At most {@code max-in-flight} commands run: beyond that the partitions are paused (polling goes on, so the
 * instance stays in its group however slow the provider is).</li>
 * <li>An outage ({@link Outage}: PostgreSQL or Kafka out of reach) stops new commands; once nothing runs, each
 * partition is committed up to its first record not done and rewound there, and polling resumes after a back-off
 * that doubles while the outage lasts (readiness says so, {@link CommandIntake}).</li>
 * <li>A rebalance waits (at most about one provider call) for the running commands of the partitions taken away,
 * and commits them; commands still waiting behind their order's previous one are left to the new owner. A stop
 * waits (at most Camel's shutdown timeout) for everything running, and commits it.</li>
 * </ul>
 * Written against kafka-clients rather than camel-kafka because camel-kafka's batch consumer polls again only after
 * the whole batch has its results: the next command waited for the slowest payment of the previous batch.
 */
public final class CommandConsumer extends DefaultConsumer {

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);
    /** Exchange property of a poll's exchange: the outage holding commands back ({@code AtomicReference}). */
    static final String OUTAGE = "scanforpay.commandsOutage";

    /** What the consumer needs to know; {@code kafka} makes a new Kafka consumer (subscribed by this class). */
    public record Settings(String topic, Supplier<Consumer<byte[], byte[]>> kafka, Duration pollTimeout, int maxInFlight,
            int maxPollRecords, Duration revokeWait, Duration commitTimeout, CommandIntake intake,
            MeterRegistry meters) {
    }

    /** The endpoint of the {@code payment-commands} route: it only consumes. */
    public static final class CommandsEndpoint extends DefaultEndpoint {
        private final Settings settings;

        public CommandsEndpoint(org.apache.camel.CamelContext camelContext, Settings settings) {
            super("scanforpay-commands://" + settings.topic(), null);
            setCamelContext(camelContext);
            this.settings = settings;
        }

        @Override
        public org.apache.camel.Producer createProducer() {
            throw new UnsupportedOperationException("the commands topic is only consumed here");
        }

        @Override
        public org.apache.camel.Consumer createConsumer(Processor processor) {
            return new CommandConsumer(this, processor, settings);
        }
    }

    private final Settings settings;
    private final OffsetProgress progress = new OffsetProgress();
    private final AtomicReference<Throwable> outage = new AtomicReference<>();
    private final Map<TopicPartition, Long> uncommitted = new HashMap<>();
    private final Counter heldBackRecords;
    /** Lag per owned partition; touched on the polling thread only (rebalance callbacks run inside poll). */
    private final CommandLag lag;
    private volatile boolean running;
    private volatile Consumer<byte[], byte[]> kafka;
    private Thread thread;
    /** While an outage holds commands back: when polling resumes (nanoTime); 0 until rewound. */
    private long backOffUntil;
    private boolean pausedForLoad;

    private CommandConsumer(Endpoint endpoint, Processor processor, Settings settings) {
        super(endpoint, processor);
        this.settings = settings;
        this.heldBackRecords = settings.meters().counter("scanforpay.commands.redelivered", "reason", "outage");
        this.lag = new CommandLag(settings.meters(), CommandLag.REFRESH_EVERY);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        thread = new Thread(this::consume, "command-intake");
        thread.start();
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        Consumer<byte[], byte[]> current = kafka;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(drainTimeout().plusSeconds(5).toMillis());
        }
        super.doStop();
    }

    private void consume() {
        while (running) {
            try (Consumer<byte[], byte[]> consumer = settings.kafka().get()) {
                kafka = consumer;
                consumer.subscribe(List.of(settings.topic()), new Rebalance(consumer));
                while (running) {
                    try {
                        step(consumer);
                    } catch (WakeupException e) {
                        // stopping (or a wake-up left over from a stop that has been undone): the loop decides
                    }
                }
                drain(consumer);
            } catch (RuntimeException e) {
                // Kafka itself failed us (not an outage of one command): a new consumer resumes from what is
                // committed, after a pause
                LOG.errorf(e, "The commands consumer failed; it reconnects and resumes from the committed offsets");
                settings.intake().consumerFailed(e);
                progress.rewind();
                uncommitted.clear();
                pause(Duration.ofSeconds(1));
            } finally {
                kafka = null;
                lag.forgetAll();
            }
        }
    }

    private void step(Consumer<byte[], byte[]> consumer) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(settings.pollTimeout());
        settings.intake().consumerPolled();
        lag.refresh(consumer, System.nanoTime());
        if (!records.isEmpty()) {
            take(records);
        }
        commit(consumer, progress.takeCommittable());
        if (outage.get() != null) {
            holdBack(consumer);
        } else {
            limitLoad(consumer);
        }
    }

    /** Tracks a poll's records and hands them to the route, which starts them (or holds them, in an outage). */
    private void take(ConsumerRecords<byte[], byte[]> records) {
        List<Command> polled = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            polled.add(new Command(exchangeOf(record), progress.track(partition, record.offset())));
        }
        if (outage.get() != null || !running) {
            polled.forEach(command -> command.tracked.finish(Fate.HELD));
            return;
        }
        Exchange poll = createExchange(false);
        poll.getMessage().setBody(polled);
        poll.setProperty(OUTAGE, outage);
        try {
            getProcessor().process(poll);
        } catch (Exception e) {
            poll.setException(e);
        }
        if (poll.getException() != null) {
            // a fault of the dispatcher itself: what has not started is held back and delivered again, like in an
            // outage (what has started finishes)
            outage.compareAndSet(null, poll.getException());
            progress.holdWaiting(polled.stream().map(command -> command.tracked.partition).distinct().toList());
        }
    }

    /**
     * Commits {@code offsets} (with any earlier commit that failed); a commit that fails is tried again after the
     * next poll, so a done record is never left uncommitted once Kafka is back.
     */
    private void commit(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> offsets) {
        uncommitted.putAll(offsets);
        if (uncommitted.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        uncommitted.forEach((partition, offset) -> commit.put(partition, new OffsetAndMetadata(offset)));
        try {
            consumer.commitSync(commit, settings.commitTimeout());
            uncommitted.clear();
            if (outage.get() == null) {
                settings.intake().tookBatch();
            }
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            // Kafka out of reach, or the partitions went to another instance (then forgotten at the rebalance)
            LOG.warnf("Committing command offsets failed, tried again after the next poll: %s", e.toString());
        }
    }

    /**
     * An outage: nothing new starts; once nothing runs, each partition is committed up to its first record not
     * done and rewound there, and polling resumes after the back-off.
     */
    private void holdBack(Consumer<byte[], byte[]> consumer) {
        if (backOffUntil == 0) {
            consumer.pause(consumer.assignment());
            if (progress.running() > 0) {
                return; // what runs finishes (or is held) first
            }
            Rewind rewind = progress.rewind();
            rewind.to().forEach((partition, offset) -> {
                if (consumer.assignment().contains(partition)) {
                    consumer.seek(partition, offset);
                }
            });
            heldBackRecords.increment(rewind.notDone());
            String cause = DeadLetters.describe(outage.get());
            Duration wait = settings.intake().heldBack(cause);
            LOG.warnf("Commands held back by an outage, delivered again in %s: %s", wait, cause);
            backOffUntil = System.nanoTime() + Math.max(1, wait.toNanos());
        }
        if (System.nanoTime() - backOffUntil >= 0) {
            backOffUntil = 0;
            pausedForLoad = false;
            outage.set(null);
            consumer.resume(consumer.assignment());
        }
    }

    /** Pauses every partition while {@code max-in-flight} commands run (or too many wait to be committed). */
    private void limitLoad(Consumer<byte[], byte[]> consumer) {
        boolean full = progress.running() > settings.maxInFlight() - settings.maxPollRecords()
                || progress.size() > settings.maxInFlight() * 20;
        if (full && !pausedForLoad) {
            consumer.pause(consumer.assignment());
            pausedForLoad = true;
        } else if (!full && pausedForLoad) {
            consumer.resume(consumer.assignment());
            pausedForLoad = false;
        }
    }

    /**
     * Stopping: nothing new starts (commands waiting behind their order's previous one are held back); what runs
     * gets until Camel's shutdown timeout, and what is done is committed.
     */
    private void drain(Consumer<byte[], byte[]> consumer) {
        List<TopicPartition> assigned = List.copyOf(consumer.assignment());
        progress.holdWaiting(assigned);
        try {
            if (!progress.awaitNoneRunning(assigned, System.nanoTime() + drainTimeout().toNanos(), () -> true)) {
                LOG.warnf("Stopping with %d commands still running: they are delivered again", progress.running());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            commit(consumer, progress.takeCommittable());
        } catch (WakeupException e) {
            commit(consumer, Map.of()); // the stop's wake-up came between two Kafka calls: it is used up now
        }
    }

    private Duration drainTimeout() {
        var shutdown = getEndpoint().getCamelContext().getShutdownStrategy();
        return Duration.ofMillis(shutdown.getTimeUnit().toMillis(shutdown.getTimeout())).minusSeconds(2);
    }

    private static void pause(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The record as camel-kafka would hand it over: the value as body, its place and key as headers. */
    private Exchange exchangeOf(ConsumerRecord<byte[], byte[]> record) {
        Exchange exchange = new DefaultExchange(getEndpoint().getCamelContext());
        exchange.getMessage().setBody(record.value());
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, record.topic());
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, record.partition());
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, record.offset());
        exchange.getMessage().setHeader(KafkaConstants.TIMESTAMP, record.timestamp());
        if (record.key() != null) {
            exchange.getMessage().setHeader(KafkaConstants.KEY, record.key());
        }
        return exchange;
    }

    /**
     * Partitions taken away: their running commands get {@code revokeWait} to finish, and what is done is
     * committed; the rest is the new owner's to deliver again. Partitions given: paused while this
     * instance is holding back or full.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Consumer<byte[], byte[]> consumer;

        Rebalance(Consumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // Commands waiting behind their order's previous one do not start here any more: the new owner runs
            // them after what runs now. What runs gets a bounded wait (not while stopping: the drain waited).
            progress.holdWaiting(partitions);
            try {
                if (!progress.awaitNoneRunning(partitions, System.nanoTime() + settings.revokeWait().toNanos(),
                        () -> running)) {
                    LOG.warnf("Partitions %s given up with commands still running: delivered again", partitions);
                }
                // with any earlier commit that failed: the partitions are still this consumer's until it returns
                commit(consumer, progress.takeCommittable(partitions));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                partitions.forEach(uncommitted::remove);
                progress.forget(partitions);
                lag.forget(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(uncommitted::remove);
            progress.forget(partitions);
            lag.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (outage.get() != null || pausedForLoad) {
                consumer.pause(partitions);
            }
        }
    }
}
