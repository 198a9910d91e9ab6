package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.batching.Coalescer;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.NewPayment;
import com.scanforpay.gateway.ledger.PaymentLedger;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;

/**
 * The ledger admission of PAY commands as a route step: the payment named by exchange property
 * {@link #PAYMENT} is admitted, and the {@link Admission} set as property {@link #ADMISSION}. Payments that start
 * together (a poll's worth under load) are admitted in one statement ({@link Coalescer}); the dispatch thread hands
 * each over and starts the next. Once their statement is in, the commands go on, in the order they started, on one
 * thread of their own (sealing the request and sending it, which holds no thread): the admissions thread is free for
 * the next statement meanwhile.
 */
@Singleton
public class PaymentAdmissions implements AsyncProcessor {

    /** Exchange property: the {@link NewPayment} to admit. */
    static final String PAYMENT = "scanforpay.newPayment";
    /** Exchange property: the ledger's {@link Admission} of it. */
    static final String ADMISSION = "scanforpay.admission";
    /** Exchange property: when the admission was committed ({@link System#nanoTime()}). */
    static final String ADMITTED_AT = "scanforpay.admittedAt";
    /** Most payments in one statement. */
    private static final int MAX_BATCH = 256;

    private final Coalescer<NewPayment, Admission> admissions;
    /** Where admitted commands go on: one thread, so in the order they started. */
    private final ExecutorService admitted = Executors.newSingleThreadExecutor(work -> {
        Thread thread = new Thread(work, "payment-admitted");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public PaymentAdmissions(PaymentLedger ledger) {
        this.admissions = new Coalescer<>("payment-admission", MAX_BATCH, ledger::admitPayments);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        admissions.submit(exchange.getProperty(PAYMENT, NewPayment.class)).whenComplete((admission, failure) -> {
            long admittedAt = System.nanoTime();
            goOn(() -> {
                try {
                    if (failure != null) {
                        exchange.setException(failure instanceof CompletionException ? failure.getCause() : failure);
                    } else {
                        exchange.setProperty(ADMISSION, admission);
                        exchange.setProperty(ADMITTED_AT, admittedAt);
                    }
                } finally {
                    callback.done(false);
                }
            });
        });
        return false;
    }

    @Override
    public void process(Exchange exchange) {
        try {
            exchange.setProperty(ADMISSION, admissions.submit(exchange.getProperty(PAYMENT, NewPayment.class)).join());
            exchange.setProperty(ADMITTED_AT, System.nanoTime());
        } catch (CompletionException e) {
            exchange.setException(e.getCause());
        }
    }

    @Override
    public CompletableFuture<Exchange> processAsync(Exchange exchange) {
        CompletableFuture<Exchange> done = new CompletableFuture<>();
        process(exchange, doneSync -> done.complete(exchange));
        return done;
    }

    /**
     * Runs {@code work} on the admitted commands' thread; on the caller's if it cannot be handed over (stopped, or no
     * thread to be had): never dropped, or the command would never finish and its order's next one never start.
     */
    private void goOn(Runnable work) {
        try {
            admitted.execute(work);
        } catch (RejectedExecutionException | Error e) {
            work.run();
        }
    }

    /** Stops admitting; commands already admitted still go on. */
    @PreDestroy
    void close() {
        admissions.close();
        admitted.shutdown();
    }
}
