package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.logging.PaymentLogContext;
import com.scanforpay.gateway.payment.ParsedCommand.Accepted;
import com.scanforpay.gateway.payment.ParsedCommand.Rejected;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;

/**
 * Runs one polled batch of command records: all orders at once, each order's commands one after another.
 *
 * <p>Each record is parsed once here, at the edge. Valid commands go to {@code direct:payment-command}, invalid
 * ones to {@code direct:reject-command}, through asynchronous producers: a provider call in flight holds no
 * thread, so a batch of hundreds of payments runs concurrently on a few threads. Commands sharing a
 * {@code partnerOrderNo} are chained, so their provider calls and results keep the topic's order.
 *
 * <p>{@link #process} returns only when every command of the batch has its result acknowledged by Kafka, and
 * throws if any failed; the route then commits the batch on the consumer thread, or (on failure) commits
 * nothing and the batch is delivered again.
 */
public final class CommandBatchDispatcher implements Processor {

    /** Exchange property holding the validated {@link PaymentCommand}. */
    public static final String COMMAND = "scanforpay.command";

    private final CamelContext camelContext;
    private final PaymentCommandParser parser;
    private final ExecutorService dispatchThread;
    private final AsyncSender commands;
    private final AsyncSender rejections;

    public CommandBatchDispatcher(CamelContext camelContext, PaymentCommandParser parser, String commandEndpoint,
            String rejectEndpoint) {
        this.camelContext = camelContext;
        this.parser = parser;
        this.commands = new AsyncSender(camelContext, commandEndpoint);
        this.rejections = new AsyncSender(camelContext, rejectEndpoint);
        this.dispatchThread = camelContext.getExecutorServiceManager().newSingleThreadExecutor(this, "command-dispatch");
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange batch) {
        List<Exchange> records = batch.getMessage().getBody(List.class);
        // Sends start on the dispatch thread: started from this (consumer) thread, Camel's reactive executor would
        // queue them behind this very processor, which waits for them.
        CompletableFuture<Void> done = CompletableFuture.supplyAsync(() -> dispatch(records), dispatchThread)
                .thenCompose(all -> all);
        try {
            done.join();
        } catch (CompletionException e) {
            throw new CommandBatchFailedException(records.size(), e.getCause());
        }
    }

    private CompletableFuture<Void> dispatch(List<Exchange> records) {
        Map<String, CompletableFuture<Void>> lastOfOrder = new LinkedHashMap<>();
        List<CompletableFuture<Void>> unordered = new ArrayList<>();
        for (Exchange record : records) {
            ParsedCommand parsed = parser.parse(record.getMessage().getBody(byte[].class));
            Exchange work = workFor(record, parsed);
            AsyncSender target = parsed instanceof Accepted ? commands : rejections;
            String order = parsed.partnerOrderNo();
            if (order == null) {
                unordered.add(target.send(work));
            } else {
                lastOfOrder.compute(order, (key, previous) -> previous == null ? target.send(work)
                        : previous.thenCompose(done -> target.send(work)));
            }
        }
        unordered.addAll(lastOfOrder.values());
        return CompletableFuture.allOf(unordered.toArray(CompletableFuture[]::new));
    }

    private Exchange workFor(Exchange record, ParsedCommand parsed) {
        Exchange work = new DefaultExchange(camelContext);
        PaymentLogContext.about(work, parsed.partnerOrderNo());
        if (parsed instanceof Accepted accepted) {
            work.setProperty(COMMAND, accepted.command());
            work.getMessage().setBody(accepted.command());
        } else {
            // the dead letter keeps the record's exact key and value bytes
            work.getMessage().setBody(parsed);
            work.getMessage().setHeader(DeadLetters.ORIGINAL_VALUE, record.getMessage().getBody(byte[].class));
            for (String header : List.of(KafkaConstants.KEY, KafkaConstants.TOPIC, KafkaConstants.PARTITION,
                    KafkaConstants.OFFSET)) {
                work.getMessage().setHeader(header, record.getMessage().getHeader(header));
            }
        }
        return work;
    }

    /** A batch could not be completed: nothing of it is committed, and Kafka delivers it again. */
    public static final class CommandBatchFailedException extends RuntimeException {
        CommandBatchFailedException(int size, Throwable cause) {
            super("batch of " + size + " commands not completed, will be delivered again: " + cause, cause);
        }
    }
}
