package com.scanforpay.gateway.command;

import com.scanforpay.gateway.payment.AsyncSender;
import com.scanforpay.gateway.payment.PaymentCommand;

import com.scanforpay.gateway.logging.PaymentLogContext;
import com.scanforpay.gateway.command.OffsetProgress.Fate;
import com.scanforpay.gateway.command.OffsetProgress.Tracked;
import com.scanforpay.gateway.command.ParsedCommand.Accepted;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

/**
 * Starts polled command records: all orders at once, each order's commands one after another (also across polls),
 * and reports each record's {@link Fate} to the {@link CommandConsumer}, which commits what is done. The flow's error
 * policy lives here:
 * <ul>
 * <li>A record was validated before, at the edge ({@link CommandValidation}), and never fails the others: a command
 * that can never succeed goes to {@code direct:reject-command}, a valid one to the payment flow.</li>
 * <li>A command whose processing fails for a reason of its own (a bug, an answer that cannot be mapped, a
 * constraint on its row) goes to {@code direct:command-failed}: dead-lettered as PROCESSING_FAILED, with what the
 * ledger proves published; its order's next command then runs.</li>
 * <li>An {@link Outage} (PostgreSQL or Kafka out of reach, or the gateway stopping) holds the command back, and
 * nothing new starts until the consumer has rewound and waited ({@link CommandConsumer}).</li>
 * </ul>
 * Sends are asynchronous (a provider call in flight holds no thread), so hundreds of payments run on a few threads;
 * their first steps run on one dispatch thread (a PAY's admission in the ledger then on the admissions thread, and
 * its call on the admitted payments' thread), never on the consumer thread, which keeps polling.
 */
public final class CommandDispatcher implements Processor {

    /** Exchange property holding the validated {@link PaymentCommand}. */
    public static final String COMMAND = "scanforpay.command";

    private static final Logger LOG = Logger.getLogger(CommandDispatcher.class);

    private final CamelContext camelContext;
    private final ExecutorService dispatchPool;
    private final AsyncSender commands;
    private final AsyncSender rejections;
    private final AsyncSender failures;
    /** The last command of each order with commands running: the next one of that order starts after it. */
    private final Map<String, CompletableFuture<Void>> lastOfOrder = new ConcurrentHashMap<>();

    /** Valid commands go to {@code flow} (the payment flow's endpoint), in order per order number. */
    public CommandDispatcher(CamelContext camelContext, String flow, int dispatchThreads) {
        this.camelContext = camelContext;
        this.commands = new AsyncSender(camelContext, flow);
        this.rejections = new AsyncSender(camelContext, DeadLetterRoute.REJECT);
        this.failures = new AsyncSender(camelContext, DeadLetterRoute.FAILED);
        this.dispatchPool = camelContext.getExecutorServiceManager().newFixedThreadPool(this, "command-dispatch",
                dispatchThreads);
    }

    /** One polled record: its exchange (body and Kafka headers), where it is tracked, and what it parsed to. */
    static final class Command {
        final Exchange record;
        final Tracked tracked;
        ParsedCommand parsed;
        /** Dead-lettered by an earlier delivery: never run again, only its dead letter's route. */
        boolean deadLetteredBefore;

        Command(Exchange record, Tracked tracked) {
            this.record = record;
            this.tracked = tracked;
        }
    }

    /** Starts one poll's records ({@link CommandConsumer}: body and outage). */
    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange poll) {
        start(poll.getMessage().getBody(List.class), poll.getProperty(CommandConsumer.OUTAGE, AtomicReference.class));
    }

    /**
     * Starts the records of one poll (called on the consumer thread, returns at once). Nothing starts while
     * {@code outage} is set; a command held back by an outage sets it.
     */
    void start(List<Command> polled, AtomicReference<Throwable> outage) {
        for (Command command : polled) {
            String order = command.parsed.partnerOrderNo();
            CompletableFuture<Void> previous = order == null ? null : lastOfOrder.get(order);
            CompletableFuture<Void> mine = (previous == null
                    ? CompletableFuture.supplyAsync(() -> run(command, outage), dispatchPool).thenCompose(r -> r)
                    : previous.thenComposeAsync(before -> run(command, outage), dispatchPool))
                    .whenComplete((ok, fault) -> {
                        if (fault != null) {
                            // a fault of the dispatcher itself: held back and delivered again, like an outage
                            LOG.errorf(fault, "Command record not completed, delivered again: %s", fault);
                            outage.compareAndSet(null, fault);
                            command.tracked.finish(Fate.HELD);
                        }
                    }).exceptionally(fault -> null);
            if (order != null) {
                lastOfOrder.put(order, mine);
                mine.whenComplete((ok, fault) -> lastOfOrder.remove(order, mine));
            }
        }
    }

    /** Stops the dispatch pool (the consumer has drained what was running). */
    void close() {
        camelContext.getExecutorServiceManager().shutdown(dispatchPool);
    }

    /** Runs one command; completes normally once its fate is known (never exceptionally). */
    private CompletableFuture<Void> run(Command command, AtomicReference<Throwable> outage) {
        if (outage.get() != null || camelContext.isStopping()) {
            command.tracked.finish(Fate.HELD); // nothing new starts during an outage, or once stopping
            return CompletableFuture.completedFuture(null);
        }
        if (!command.tracked.start()) {
            // held back while it waited behind its order's previous command (a rebalance took its partition, or
            // the gateway stops): delivered again, never run here
            return CompletableFuture.completedFuture(null);
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
            command.tracked.finish(Fate.DONE);
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
        command.tracked.finish(Fate.DONE);
        return CompletableFuture.completedFuture(null);
    }

    private static CompletableFuture<Void> held(Command command, Throwable failure,
            AtomicReference<Throwable> outage) {
        outage.compareAndSet(null, failure);
        command.tracked.finish(Fate.HELD);
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


}
