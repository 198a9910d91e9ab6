package com.scanforpay.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.scanforpay.gateway.api.PaymentAnswer.Conflict;
import com.scanforpay.gateway.api.PaymentAnswer.Final;
import com.scanforpay.gateway.api.PaymentAnswer.NotFound;
import com.scanforpay.gateway.api.PaymentAnswer.NotSubmitted;
import com.scanforpay.gateway.api.PaymentAnswer.OtherStore;
import com.scanforpay.gateway.api.PaymentAnswer.Payment;
import com.scanforpay.gateway.api.PaymentAnswer.Refund;
import com.scanforpay.gateway.api.PaymentAnswer.Taken;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.RefundEntry;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.StoredJson;
import com.scanforpay.gateway.publishing.PaymentResults;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.jboss.logging.Logger;

/**
 * The payments API's decisions, without HTTP: a new command goes to the commands topic like any Kafka producer's (so
 * the same flow, ledger and rules pay it; nothing is paid by a second path), a known one is answered from the ledger
 * and never published again.
 *
 * <p>Waiting holds no thread: a request is a future in {@link ResultWaiters}, completed from the results topic
 * ({@link ApiRoutes}) or, when the wait is over, answered from the ledger ({@link Final} if final by then, else
 * {@link Taken}). The ledger is read over JDBC: callers run on a worker thread, and so do the reads after a wait.
 */
@Singleton
public class PaymentRequests {

    private static final Logger LOG = Logger.getLogger(PaymentRequests.class);
    private static final PaymentAnswer OTHER_STORE = new OtherStore();

    /** Hands a command to the commands topic, keyed by its order; completes with null once Kafka took it. */
    @FunctionalInterface
    interface CommandsTopic {
        CompletableFuture<Throwable> submit(String partnerOrderNo, byte[] command);
    }

    /**
     * A valid PAY or REFUND command: {@code json} as it is published, {@code command} as the parser read it, and how
     * long to wait for its result (zero: answer at once).
     */
    public record Request(PaymentCommand command, byte[] json, Duration waitFor) {
    }

    /**
     * What a request waits for: results under {@code key} that {@code ours} takes as its own; {@code settled} reads
     * the ledger's answer, if it has one; {@code taken} answers when there is none within the wait.
     */
    private record Awaited(String key, Predicate<PaymentResult> ours, Supplier<Optional<PaymentAnswer>> settled,
            PaymentAnswer taken) {
    }

    private final PaymentLedger ledger;
    private final RefundLedger refunds;
    private final PaymentResults results;
    private final StoredJson stored;
    private final ResultWaiters waiters;
    private final ObjectMapper mapper;
    private final CommandsTopic commands;
    private final Executor worker;
    private final Duration refreshWait;
    private final boolean refundsOfUnknownOrders;

    @Inject
    PaymentRequests(PaymentLedger ledger, RefundLedger refunds, PaymentResults results, StoredJson stored,
            ResultWaiters waiters, ObjectMapper mapper, ProducerTemplate producer, ApiConfig api,
            ScanForPayConfig gateway) {
        this(ledger, refunds, results, stored, waiters, mapper, (partnerOrderNo, command) -> producer.asyncSend(
                ApiRoutes.SUBMIT, exchange -> {
                    exchange.getMessage().setHeader(KafkaConstants.KEY, partnerOrderNo);
                    exchange.getMessage().setBody(command);
                }).handle((Exchange exchange, Throwable failure) -> failure != null ? failure : exchange.getException()),
                task -> Infrastructure.getDefaultWorkerPool().execute(task), api.refreshWait(),
                gateway.refund().unknownOrders());
    }

    /**
     * @param worker                 runs the ledger reads after a wait (the wait ends on the JDK's delay thread or
     *                               the results consumer)
     * @param refreshWait            how long a payment's refresh waits for the provider's query answer
     * @param refundsOfUnknownOrders whether orders the ledger does not know are refunded
     */
    PaymentRequests(PaymentLedger ledger, RefundLedger refunds, PaymentResults results, StoredJson stored,
            ResultWaiters waiters, ObjectMapper mapper, CommandsTopic commands, Executor worker, Duration refreshWait,
            boolean refundsOfUnknownOrders) {
        this.ledger = ledger;
        this.refunds = refunds;
        this.results = results;
        this.stored = stored;
        this.waiters = waiters;
        this.mapper = mapper;
        this.commands = commands;
        this.worker = worker;
        this.refreshWait = refreshWait;
        this.refundsOfUnknownOrders = refundsOfUnknownOrders;
    }

    /**
     * A PAY for {@code caller}: answered from the ledger when the order is known (a repeat, or a conflict), else
     * published; then awaited. {@code request} names it in logs.
     */
    public CompletionStage<PaymentAnswer> pay(Request pay, ApiCaller caller, String request) {
        PaymentCommand command = pay.command();
        String order = command.partnerOrderNo();
        Optional<LedgerEntry> existing = ledger.find(order);
        // the command's store, and the ledger's when the order number is already used (before any 409, which
        // would tell the other store's amount)
        if (!caller.actsFor(command.storeNo()) || existing.filter(entry -> !caller.actsFor(entry.storeNo()))
                .isPresent()) {
            return done(OTHER_STORE);
        }
        Supplier<Optional<PaymentAnswer>> settled = () -> ledger.find(order).flatMap(entry -> caller.actsFor(
                entry.storeNo()) ? payAnswer(entry, command, request) : Optional.of(OTHER_STORE));
        // Validated above, this command can only be REJECTED by the flow as a conflict: the ledger then holds
        // another payment under this order number, and the rejection carries this command's amount. Any other
        // REJECTED for the order (an invalid command, another conflicting one) belongs to another command, while
        // this payment goes on. Another store's payment may have taken the order number meanwhile (with the same
        // amount and barcode, the flow takes this command as its repeat): its result is not for a key of this store.
        // A result under this order number answers this till only if the ledger's payment is this command's (same
        // amount and barcode): another command for the number may have got there first, and its SUCCESS must never
        // tell this cashier "paid" for a barcode nobody charged.
        Predicate<PaymentResult> ours = result -> {
            Optional<LedgerEntry> payment = ledger.find(order);
            boolean ourPayment = payment.isPresent()
                    && PaymentLedger.conflict(payment.get(), command.orderAmount(), command.barcode()).isEmpty();
            return result.outcome() != Outcome.REJECTED
                    ? ourPayment && (caller.allStores() || caller.actsFor(payment.get().storeNo()))
                    : Objects.equals(result.orderAmount(), command.orderAmount()) && payment.isPresent() && !ourPayment;
        };
        Awaited awaited = new Awaited(ResultWaiters.payKey(order), ours, settled, new Taken(order, null));
        if (existing.isPresent()) {
            Optional<PaymentAnswer> answer = payAnswer(existing.get(), command, request);
            // in progress: never published again, the flow already has it
            return answer.isPresent() ? done(answer.get()) : await(awaited, pay.waitFor());
        }
        return submitAndAwait(request, pay, awaited,
                "the payment could not be handed to Kafka; nothing was charged, send it again");
    }

    /**
     * A REFUND for {@code caller} of the order it names: answered from the ledger when its refundNo is known, else
     * published; then awaited. {@code request} names it in logs.
     */
    public CompletionStage<PaymentAnswer> refund(Request refund, ApiCaller caller, String request) {
        PaymentCommand command = refund.command();
        String order = command.partnerOrderNo();
        String refundNo = command.refundNo();
        Optional<LedgerEntry> payment = ledger.find(order);
        if (payment.isEmpty() && !refundsOfUnknownOrders) {
            return done(new NotFound("partnerOrderNo", "no payment " + order + " in the ledger: only orders paid "
                    + "through the gateway are refunded (scanforpay.refund.unknown-orders)"));
        }
        // an order the ledger does not know has no store to check: only a key of every store refunds it
        if (!caller.actsFor(payment.map(LedgerEntry::storeNo).orElse(null))) {
            return done(OTHER_STORE);
        }
        Predicate<RefundEntry> thisRefund = entry -> entry.partnerOrderNo().equals(order)
                && entry.amount() == command.orderAmount();
        Supplier<Optional<PaymentAnswer>> settled = () -> refunds.findRefund(refundNo)
                .flatMap(entry -> refundAnswer(entry, thisRefund));
        // as for payments: a REJECTED under this refundNo is this request's only if it is for this order and amount
        // Under this refundNo only this refund's own results: another order's refund with the same number (the
        // loser is refused) never answers this till, nor shows it another order's refund.
        Predicate<PaymentResult> ours = result -> order.equals(result.partnerOrderNo())
                && Objects.equals(result.orderAmount(), command.orderAmount());
        Awaited awaited = new Awaited(ResultWaiters.refundKey(refundNo), ours, settled, new Taken(order, refundNo));
        Optional<RefundEntry> existing = refunds.findRefund(refundNo);
        if (existing.isPresent()) {
            Optional<PaymentAnswer> answer = refundAnswer(existing.get(), thisRefund);
            return answer.isPresent() ? done(answer.get()) : await(awaited, refund.waitFor());
        }
        return submitAndAwait(request, refund, awaited,
                "the refund could not be handed to Kafka; nothing was refunded, send it again");
    }

    /**
     * The payment as the ledger has it, for {@code caller}. With {@code refresh}, the provider is queried first (a
     * QUERY command through the same flow, its answer awaited up to the refresh wait) and its answer is shown too.
     */
    public CompletionStage<PaymentAnswer> paymentState(String order, boolean refresh, ApiCaller caller) {
        Optional<LedgerEntry> entry = ledger.find(order);
        if (entry.isEmpty()) {
            return done(noPayment(order));
        }
        if (!caller.actsFor(entry.get().storeNo())) {
            return done(OTHER_STORE);
        }
        if (!refresh) {
            return done(new Payment(view(entry.get(), null)));
        }
        CompletableFuture<PaymentResult> waiter = waiters.register(ResultWaiters.queryKey(order));
        ObjectNode query = mapper.createObjectNode().put("type", "QUERY").put("partnerOrderNo", order);
        if (entry.get().storeNo() != null) {
            query.put("storeNo", entry.get().storeNo());
        }
        return commands.submit(order, bytes(query)).thenCompose(failure -> {
            if (failure != null) {
                waiter.cancel(false);
                return done(new NotSubmitted("the query could not be handed to Kafka"));
            }
            return waiter.completeOnTimeout(null, refreshWait.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApplyAsync(answer -> ledger.find(order).<PaymentAnswer>map(now -> new Payment(view(now,
                            answer))).orElseGet(() -> noPayment(order)), worker);
        });
    }

    /** The refund {@code refundNo} of {@code order} as the ledger has it, for {@code caller}. */
    public PaymentAnswer refundState(String order, String refundNo, ApiCaller caller) {
        Optional<LedgerEntry> payment = ledger.find(order);
        Optional<RefundEntry> refund = refunds.findRefund(refundNo)
                .filter(entry -> entry.partnerOrderNo().equals(order));
        PaymentAnswer notFound = new NotFound(null, "no refund " + refundNo + " of payment " + order + " in the ledger");
        if (payment.isEmpty() && refund.isEmpty()) {
            return notFound;
        }
        // a refund of an order the ledger does not know: only a key of every store reads it
        if (!caller.actsFor(payment.map(LedgerEntry::storeNo).orElse(null))) {
            return OTHER_STORE;
        }
        return refund.<PaymentAnswer>map(entry -> new Refund(new RefundView(entry.refundNo(), entry.partnerOrderNo(),
                entry.state(), entry.amount(), finalResult(entry).orElse(null)))).orElse(notFound);
    }

    /**
     * Publishes a new command and answers as {@link #await} does, or {@code taken} at once without a wait;
     * {@link NotSubmitted} with {@code unavailable} when Kafka did not take it. The waiter is registered before
     * publishing: the result may be quick.
     */
    private CompletionStage<PaymentAnswer> submitAndAwait(String request, Request command, Awaited awaited,
            String unavailable) {
        CompletableFuture<PaymentResult> waiter = command.waitFor().isZero() ? null
                : waiters.register(awaited.key(), awaited.ours());
        return commands.submit(command.command().partnerOrderNo(), command.json()).thenCompose(failure -> {
            if (failure != null) {
                if (waiter != null) {
                    waiter.cancel(false);
                }
                LOG.warnf("%s not published: %s", request, failure.toString());
                return done(new NotSubmitted(unavailable));
            }
            LOG.infof("%s published", request);
            return waiter == null ? done(awaited.taken()) : await(waiter, awaited, command.waitFor());
        });
    }

    /** Waits on a new waiter, after checking the ledger once more (the result may be there). */
    private CompletionStage<PaymentAnswer> await(Awaited awaited, Duration wait) {
        if (wait.isZero()) {
            return done(awaited.taken());
        }
        return await(waiters.register(awaited.key(), awaited.ours()), awaited, wait);
    }

    /**
     * Completes with the result as soon as {@code waiter} gets one. A REJECTED result, or the end of the wait, is
     * settled by the ledger: a conflict if the order (or refundNo) turned out to be another command's, the final
     * result if it is there (one published before this instance's results consumer was assigned is found there),
     * else the REJECTED result, or {@code taken}.
     */
    private CompletionStage<PaymentAnswer> await(CompletableFuture<PaymentResult> waiter, Awaited awaited,
            Duration wait) {
        Optional<PaymentAnswer> now = awaited.settled().get();
        if (now.isPresent()) {
            waiter.cancel(false);
            return done(now.get());
        }
        return waiter.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS).thenCompose(result -> {
            if (result != null && result.outcome() != Outcome.REJECTED) {
                return done(new Final(result));
            }
            return CompletableFuture.supplyAsync(() -> awaited.settled().get().orElseGet(() -> result != null
                    ? new Final(result) : awaited.taken()), worker);
        });
    }

    /** The ledger's answer to a PAY: a conflict if the order is another payment's, else its final result if any. */
    private Optional<PaymentAnswer> payAnswer(LedgerEntry entry, PaymentCommand command, String request) {
        Optional<Admission.Conflict> conflict = PaymentLedger.conflict(entry, command.orderAmount(),
                command.barcode());
        if (conflict.isPresent()) {
            LOG.infof("%s refused: %s", request, conflict.get().message());
            return Optional.of(new Conflict(conflict.get().field(), conflict.get().message()));
        }
        return finalResult(entry).map(Final::new);
    }

    /** The ledger's answer to a REFUND: a conflict if the refundNo is another refund's, else its final result. */
    private Optional<PaymentAnswer> refundAnswer(RefundEntry entry, Predicate<RefundEntry> thisRefund) {
        if (!thisRefund.test(entry)) {
            return Optional.of(new Conflict("refundNo", "refundNo " + entry.refundNo()
                    + " was already used for another refund"));
        }
        return finalResult(entry).map(Final::new);
    }

    /** The refund's final REFUND result, if it has one. */
    private Optional<PaymentResult> finalResult(RefundEntry entry) {
        return Optional.ofNullable(entry.finalResult()).map(stored::result)
                .filter(result -> ResultWaiters.FINAL_REFUND.contains(result.outcome()));
    }

    /** The payment's final outcome, if it has one: its stored final result, or UNKNOWN made from the row. */
    private Optional<PaymentResult> finalResult(LedgerEntry entry) {
        if (entry.state().isFinal() && entry.finalResult() != null) {
            return Optional.of(stored.result(entry.finalResult()));
        }
        if (entry.state() == PaymentState.UNKNOWN) {
            PaymentCommand payment = new PaymentCommand(CommandType.PAY, entry.storeNo(), entry.partnerOrderNo(),
                    null, null, entry.orderAmount(), null, null, null, null);
            return Optional.of(results.unknownAtDeadline(payment, entry.lastReason(), null));
        }
        return Optional.empty();
    }

    private PaymentView view(LedgerEntry entry, PaymentResult query) {
        PaymentResult result = entry.state().isFinal() || entry.state() == PaymentState.UNKNOWN
                ? finalResult(entry).orElse(null) : null;
        return new PaymentView(entry.partnerOrderNo(), entry.state(), entry.orderAmount(), entry.refundedAmount(),
                entry.providerOrderNo(), result, query);
    }

    private static PaymentAnswer noPayment(String order) {
        return new NotFound(null, "no payment " + order + " in the ledger");
    }

    private byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private static CompletionStage<PaymentAnswer> done(PaymentAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }
}
