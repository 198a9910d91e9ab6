package com.scanforpay.gateway.command;

import com.scanforpay.gateway.command.CommandDispatcher.Command;
import com.scanforpay.gateway.command.ParsedCommand.Accepted;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The validate step, at the edge: every record of a poll becomes a command or a rejection naming the field
 * ({@link PaymentCommandParser}; any bytes at all, never an exception), and a record dead-lettered by an earlier
 * delivery is marked so that it never runs again.
 */
public final class CommandValidation implements Processor {

    private final PaymentCommandParser parser;
    private final PostgresIdempotentRepository deadLetters;

    public CommandValidation(PaymentCommandParser parser, PostgresIdempotentRepository deadLetters) {
        this.parser = parser;
        this.deadLetters = deadLetters;
    }

    /** Validates one poll's records ({@link CommandConsumer}: body and outage). */
    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange poll) {
        List<Command> polled = poll.getMessage().getBody(List.class);
        for (Command command : polled) {
            command.parsed = parser.parse(command.record.getMessage().getBody(byte[].class));
        }
        try {
            markDeadLetteredBefore(polled);
        } catch (RuntimeException e) {
            // the key store is out of reach: nothing runs, everything is held back
            ((AtomicReference<Throwable>) poll.getProperty(CommandConsumer.OUTAGE, AtomicReference.class))
                    .compareAndSet(null, e);
        }
    }

    /**
     * A record whose dead letter exists was dead-lettered when it was delivered before (it failed, and an outage
     * then rewound its partition): it must not run again, or a command answered "nothing was sent" could be paid
     * after all. One query per poll.
     */
    private void markDeadLetteredBefore(List<Command> polled) {
        Map<String, Command> accepted = new HashMap<>();
        for (Command command : polled) {
            if (command.parsed instanceof Accepted) {
                accepted.put(DeadLetters.keyOf(command.record.getMessage()), command);
            }
        }
        for (String key : deadLetters.present(accepted.keySet())) {
            accepted.get(key).deadLetteredBefore = true;
        }
    }
}
