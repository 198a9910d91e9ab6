package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.logging.PaymentLogContext;
import com.scanforpay.gateway.payment.OffsetProgress.Position;
import com.scanforpay.gateway.payment.OffsetProgress.Settlement;
import com.scanforpay.gateway.payment.ParsedCommand.Accepted;
import com.scanforpay.gateway.payment.ProcessedOffsetCommit.RecordPosition;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

/**
 * Runs one polled batch of command records: all orders at once, each order's commands one after another, then
 * commits on the consumer thread what is done. The flow's error policy lives here:
 * <ul>
 * <li>A record is parsed here, at the edge, and never fails its batch: a command that can never succeed goes to
 * {@code direct:reject-command}, a valid one to {@code direct:payment-command}.</li>
 * <li>A command whose processing fails for a reason of its own (a bug, an answer that cannot be mapped, a
 * constraint on its row) goes to {@code direct:command-failed}: dead-lettered as PROCESSING_FAILED, with what the
 * ledger proves published; its order's next command then runs.</li>
 * <li>An {@link Outage} (PostgreSQL or Kafka out of reach, or the gateway stopping) holds the command and everything
 * after it in its partition back: each partition is committed up to its first record not done and rewound there,
 * and the next batch waits a back-off that doubles while the outage lasts (readiness says so).</li>
 * <li>At most {@link BatchBudget#perOrder()} commands of one order run in a batch, so the batch ends within Kafka's
 * {@code max.poll.interval.ms} whatever the provider does; the rest of that partition comes in the next batch.</li>
 * </ul>
 * Sends are asynchronous (a provider call in flight holds no thread), so hundreds of payments run on a few threads.
 */
public final class CommandBatchDispatcher implements Processor {

    /** Exchange property holding the validated {@link PaymentCommand}. */
    public static final String COMMAND = "scanforpay.command";

    private static final Logger LOG = Logger.getLogger(CommandBatchDispatcher.class);

    private final CamelContext camelContext;
    private final PaymentCommandParser parser;
    private final PostgresIdempotentRepository deadLetters;
    private final BatchBudget budget;
    private final Duration maxPollInterval;
    private final CommandIntake intake;
    private final MeterRegistry meters;
    private final ExecutorService dispatchThread;
    private final AsyncSender commands;
    private final AsyncSender rejections;
    private final AsyncSender failures;
    private final OffsetProgress offsets = new OffsetProgress();

    public CommandBatchDispatcher(CamelContext camelContext, PaymentCommandParser parser,
            PostgresIdempotentRepository deadLetters, BatchBudget budget, Duration maxPollInterval,
            CommandIntake intake, MeterRegistry meters) {
        this.camelContext = camelContext;
        this.parser = parser;
        this.deadLetters = deadLetters;
        this.budget = budget;
        this.maxPollInterval = maxPollInterval;
        this.intake = intake;
        this.meters = meters;
        this.commands = new AsyncSender(camelContext, PaymentCommandRoute.COMMAND);
        this.rejections = new AsyncSender(camelContext, DeadLetterRoute.REJECT);
        this.failures = new AsyncSender(camelContext, DeadLetterRoute.FAILED);
        this.dispatchThread = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "command-dispatch");
    }

    /** What became of one record of the batch. */
    private enum Fate {
        /** Processed, or dead-lettered: its offset may be committed. */
        DONE,
        /** Held back by an outage: delivered again. */
        OUTAGE,
        /** Behind its order's limit for one batch: delivered again, in order. */
        ORDER_LIMIT
    }

    /** One record of the batch and what became of it. */
    private static final class Command {
        final Exchange record;
        final Position position;
        ParsedCommand parsed;
        /** Dead-lettered by an earlier delivery of its batch: never run again, only its dead letter's route. */
        boolean deadLetteredBefore;
        volatile Fate fate = Fate.OUTAGE; // until it is done

        Command(Exchange record) {
            this.record = record;
            this.position = positionOf(record);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange batch) {
        long started = System.nanoTime();
        List<Exchange> polled = batch.getMessage().getBody(List.class);
        if (polled == null || polled.isEmpty()) {
            return;
        }
        Consumer<?, ?> consumer = consumerOf(polled.get(0));
        List<Command> batchCommands = plan(offsets.current(polled.stream().map(Command::new).toList(),
                command -> command.position, consumer.assignment()));
        AtomicReference<Throwable> outage = new AtomicReference<>();
        try {
            markDeadLetteredBefore(batchCommands);
        } catch (RuntimeException e) {
            outage.set(e); // the key store is out of reach: nothing runs, everything is held back
        }
        if (outage.get() == null) {
            // Sends start on the dispatch thread: started from this (consumer) thread, Camel's reactive executor
            // would queue them behind this very processor, which waits for them.
            CompletableFuture<Void> done = CompletableFuture.supplyAsync(() -> dispatch(batchCommands, outage),
                    dispatchThread).thenCompose(all -> all);
            try {
                done.join();
            } catch (CompletionException e) {
                // a fault of the dispatcher itself: nothing of the batch is committed, Camel delivers it again
                throw new CommandBatchFailedException(batchCommands.size(), e.getCause());
            }
        }
        settle(consumer, batchCommands);
        if (outage.get() != null) {
            backOff(outage.get(), Duration.ofNanos(System.nanoTime() - started));
        } else if (batchCommands.stream().anyMatch(command -> command.fate == Fate.DONE)) {
            intake.tookBatch();
        }
    }

    /**
     * A record whose dead letter exists was dead-lettered when its batch was delivered before (it failed, and an
     * outage then held its partition back): it must not run again, or a command answered "nothing was sent" could
     * be paid after all. One query for the batch.
     */
    private void markDeadLetteredBefore(List<Command> batchCommands) {
        Map<String, Command> accepted = new HashMap<>();
        for (Command command : batchCommands) {
            if (command.parsed instanceof Accepted) {
                accepted.put(DeadLetters.keyOf(command.record.getMessage()), command);
            }
        }
        for (String key : deadLetters.present(accepted.keySet())) {
            accepted.get(key).deadLetteredBefore = true;
        }
    }

    /** Parses each record, and holds back what is beyond its order's limit (with the rest of its partition). */
    private List<Command> plan(List<Command> planned) {
        Map<String, Integer> perOrder = new HashMap<>();
        Set<TopicPartition> cut = new HashSet<>();
        for (Command command : planned) {
            if (cut.contains(command.position.partition())) {
                command.fate = Fate.ORDER_LIMIT;
                continue;
            }
            // never throws: any bytes are a command or a rejection
            command.parsed = parser.parse(command.record.getMessage().getBody(byte[].class));
            String order = command.parsed.partnerOrderNo();
            if (order != null && perOrder.merge(order, 1, Integer::sum) > budget.perOrder()) {
                cut.add(command.position.partition());
                command.fate = Fate.ORDER_LIMIT;
            }
        }
        return planned;
    }

    private CompletableFuture<Void> dispatch(List<Command> batchCommands, AtomicReference<Throwable> outage) {
        Map<String, CompletableFuture<Void>> lastOfOrder = new LinkedHashMap<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Command command : batchCommands) {
            if (command.parsed == null || command.fate == Fate.ORDER_LIMIT) {
                continue;
            }
            String order = command.parsed.partnerOrderNo();
            if (order == null) {
                all.add(run(command, outage));
            } else {
                lastOfOrder.compute(order, (key, previous) -> previous == null ? run(command, outage)
                        : previous.thenCompose(before -> run(command, outage)));
            }
        }
        all.addAll(lastOfOrder.values());
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Runs one command; completes normally once its fate is known (never exceptionally). */
    private CompletableFuture<Void> run(Command command, AtomicReference<Throwable> outage) {
        if (outage.get() != null) {
            return CompletableFuture.completedFuture(null); // nothing new starts during an outage: held back
        }
        if (command.deadLetteredBefore) {
            return deadLetterFailed(command, null, outage);
        }
        boolean valid = command.parsed instanceof Accepted;
        Exchange work = workFor(command);
        return send(valid ? commands : rejections, work).thenCompose(failure -> {
            if (failure == null || !valid) {
                return settled(command, work, failure, outage);
            }
            if (Outage.isOutage(failure) || camelContext.isStopping()) {
                return held(command, failure, outage);
            }
            PaymentCommand payment = ((Accepted) command.parsed).command();
            LOG.errorf(failure, "%s %s failed, dead-lettered as PROCESSING_FAILED: %s", payment.type(),
                    payment.partnerOrderNo(), DeadLetters.describe(failure));
            return deadLetterFailed(command, failure, outage);
        });
    }

    /** Sends a valid command that failed ({@code failure}), or failed before (null), to the dead-letter route. */
    private CompletableFuture<Void> deadLetterFailed(Command command, Throwable failure,
            AtomicReference<Throwable> outage) {
        PaymentCommand payment = ((Accepted) command.parsed).command();
        Exchange work = new DefaultExchange(camelContext);
        PaymentLogContext.about(work, payment.partnerOrderNo());
        work.setProperty(COMMAND, payment);
        DeadLetters.of(work, command.record, DeadLetters.processingFailed(payment, failure));
        return send(failures, work).thenCompose(deadLettering -> settled(command, work, deadLettering, outage));
    }

    /**
     * The fate of a command once its own route, or its dead-letter route, is over: done, unless it failed by an
     * outage, or before its dead letter was written (then nothing would record the command: held back, however
     * long, rather than lost). A failure after the dead letter (publishing what is known of it) is only logged.
     */
    private CompletableFuture<Void> settled(Command command, Exchange work, Throwable failure,
            AtomicReference<Throwable> outage) {
        if (failure == null) {
            command.fate = Fate.DONE;
            return CompletableFuture.completedFuture(null);
        }
        if (Outage.isOutage(failure) || camelContext.isStopping()) {
            return held(command, failure, outage);
        }
        if (!Boolean.TRUE.equals(work.getProperty(DeadLetters.WRITTEN, Boolean.class))) {
            LOG.errorf(failure, "A dead letter could not be written (a bug?): its record is held back");
            return held(command, failure, outage);
        }
        LOG.errorf("The result of a dead-lettered record was not published: %s", DeadLetters.describe(failure));
        command.fate = Fate.DONE;
        return CompletableFuture.completedFuture(null);
    }

    private static CompletableFuture<Void> held(Command command, Throwable failure,
            AtomicReference<Throwable> outage) {
        outage.compareAndSet(null, failure);
        command.fate = Fate.OUTAGE;
        return CompletableFuture.completedFuture(null);
    }

    /** Completes with null when {@code work} went through, else with its failure. */
    private static CompletableFuture<Throwable> send(AsyncSender target, Exchange work) {
        CompletableFuture<Void> sent;
        try {
            sent = target.send(work);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((ok, failure) -> failure instanceof CompletionException ? failure.getCause() : failure);
    }

    private Exchange workFor(Command command) {
        Exchange work = new DefaultExchange(camelContext);
        PaymentLogContext.about(work, command.parsed.partnerOrderNo());
        if (command.parsed instanceof Accepted accepted) {
            work.setProperty(COMMAND, accepted.command());
            work.getMessage().setBody(accepted.command());
        } else {
            DeadLetters.of(work, command.record, (ParsedCommand.Rejected) command.parsed);
        }
        return work;
    }


    /**
     * Commits each partition up to its first record not done and rewinds it there, on the consumer thread. Only
     * partitions this consumer still holds: records of one taken away by a rebalance are the new owner's.
     */
    private void settle(Consumer<?, ?> consumer, List<Command> batchCommands) {
        Settlement settlement = offsets.settle(batchCommands, command -> command.position,
                command -> command.fate == Fate.DONE);
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        settlement.commit().forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                commit.put(partition, new OffsetAndMetadata(offset));
            }
        });
        if (!commit.isEmpty()) {
            consumer.commitSync(commit, ProcessedOffsetCommit.timeoutOf(batchCommands.get(0).record));
        }
        settlement.rewind().forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                offsets.rewound(partition, FetchNumbering.latest());
                consumer.seek(partition, offset);
            }
        });
        for (Command command : batchCommands) {
            if (command.fate != Fate.DONE) {
                meters.counter("scanforpay.commands.redelivered", "reason",
                        command.fate.name().toLowerCase(Locale.ROOT)).increment();
            }
        }
    }

    /**
     * Waits before the held-back records are polled again, doubling while the outage lasts, never so long that the
     * batch would exceed Kafka's poll interval, and not at all while the gateway stops.
     */
    private void backOff(Throwable outage, Duration batchTook) {
        Duration wait = intake.heldBack(DeadLetters.describe(outage));
        Duration room = maxPollInterval.minus(batchTook).minus(BatchBudget.MARGIN);
        if (room.compareTo(wait) < 0) {
            wait = room.isNegative() ? Duration.ZERO : room;
        }
        LOG.warnf("Command batch held back by an outage, delivered again in %s: %s", wait,
                DeadLetters.describe(outage));
        long until = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < until && !camelContext.isStopping()) {
            LockSupport.parkNanos(Math.min(until - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private static Position positionOf(Exchange record) {
        RecordPosition at = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, RecordPosition.class);
        Headers headers = record.getMessage().getHeader(KafkaConstants.HEADERS, Headers.class);
        return new Position(at.partition(), at.offset(), headers == null ? 0 : FetchNumbering.of(headers));
    }

    private static Consumer<?, ?> consumerOf(Exchange record) {
        return record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, RecordPosition.class).consumer();
    }

    /** A fault of the dispatcher itself: nothing of the batch is committed, and Kafka delivers it again. */
    public static final class CommandBatchFailedException extends RuntimeException {
        CommandBatchFailedException(int size, Throwable cause) {
            super("batch of " + size + " commands not completed, will be delivered again: " + cause, cause);
        }
    }
}
