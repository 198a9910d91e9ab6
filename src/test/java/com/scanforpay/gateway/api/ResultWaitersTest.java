package com.scanforpay.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.ResultSource;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResultWaitersTest {

    private final ResultWaiters waiters = new ResultWaiters();

    @Test
    void aFinalResultCompletesEveryWaiterOfItsOrderAndLeavesTheRegistry() {
        CompletableFuture<PaymentResult> first = waiters.register(ResultWaiters.payKey("o1"));
        CompletableFuture<PaymentResult> second = waiters.register(ResultWaiters.payKey("o1"));
        CompletableFuture<PaymentResult> other = waiters.register(ResultWaiters.payKey("o2"));

        waiters.onResult(pay("o1", Outcome.PENDING));
        assertFalse(first.isDone(), "PENDING is not final");

        PaymentResult success = pay("o1", Outcome.SUCCESS);
        waiters.onResult(success);
        assertSame(success, first.join());
        assertSame(success, second.join());
        assertFalse(other.isDone());
        assertEquals(1, waiters.size());
    }

    @Test
    void aResultTheWaiterDoesNotTakeAsItsOwnLeavesItWaiting() {
        CompletableFuture<PaymentResult> payment = waiters.register(ResultWaiters.payKey("o1"),
                result -> result.outcome() != Outcome.REJECTED);

        waiters.onResult(pay("o1", Outcome.REJECTED));
        assertFalse(payment.isDone(), "another command's rejection");

        PaymentResult success = pay("o1", Outcome.SUCCESS);
        waiters.onResult(success);
        assertSame(success, payment.join());
    }

    @Test
    void aWaiterThatCannotDecideKeepsWaitingAndTheOthersAreStillAnswered() {
        CompletableFuture<PaymentResult> undecided = waiters.register(ResultWaiters.payKey("o1"), result -> {
            throw new IllegalStateException("ledger unavailable");
        });
        CompletableFuture<PaymentResult> plain = waiters.register(ResultWaiters.payKey("o1"));

        waiters.onResult(pay("o1", Outcome.REJECTED));
        assertFalse(undecided.isDone());
        assertEquals(Outcome.REJECTED, plain.join().outcome());
        assertEquals(1, waiters.size());
    }

    private static PaymentResult pay(String order, Outcome outcome) {
        return new PaymentResult(order, CommandType.PAY, outcome, ResultSource.PAY_RESPONSE, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
    }
}
