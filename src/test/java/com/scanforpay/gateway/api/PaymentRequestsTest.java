package com.scanforpay.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.RefundEntry;
import com.scanforpay.gateway.ledger.RefundState;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentResult;
import com.scanforpay.gateway.payment.ResultSource;
import com.scanforpay.gateway.payment.StoredJson;
import com.scanforpay.gateway.publishing.PaymentResults;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The decisions of {@link PaymentRequests} without Quarkus, Kafka or a database: a ledger held in maps, a commands
 * topic that only records what it is handed, results delivered to the real {@link ResultWaiters} by the test.
 */
class PaymentRequestsTest {

    private static final String BARCODE = "284447106610060508";
    private static final ApiCaller STORE_1 = new ApiCaller("till1", Optional.of(Set.of("store-1")), false);
    private static final ApiCaller REFUNDS = new ApiCaller("back-office", Optional.empty(), true);
    private static final Duration LONG_WAIT = Duration.ofSeconds(10);
    private static final Duration SHORT_WAIT = Duration.ofMillis(50);

    private final ObjectMapper mapper = new ObjectMapper();
    private final StoredJson stored = new StoredJson(mapper);
    private final Ledger ledger = new Ledger();
    private final Refunds refunds = new Refunds();
    private final ResultWaiters waiters = new ResultWaiters();
    private final List<String> published = new ArrayList<>();
    private Throwable kafkaFailure;
    private boolean refundsOfUnknownOrders;

    @Test
    void aNewPaymentIsPublishedAndItsResultArrivingInTimeIsTheAnswer() {
        CompletionStage<PaymentAnswer> answer = requests().pay(pay("o1", 2100, LONG_WAIT), STORE_1, "POST o1");
        assertEquals(List.of("o1 " + payJson("o1", 2100)), published);
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.PAYING, null));

        PaymentResult paid = result("o1", CommandType.PAY, Outcome.SUCCESS, 2100);
        waiters.onResult(paid);

        assertSame(paid, ((PaymentAnswer.Final) answer.toCompletableFuture().join()).result());
        assertTrue(waiters.isEmpty());
    }

    @Test
    void noResultWithinTheWaitIsTakenAndWithoutAWaitNothingWaits() {
        CompletionStage<PaymentAnswer> noWait = requests().pay(pay("o1", 2100, Duration.ZERO), STORE_1, "POST o1");
        assertEquals(new PaymentAnswer.Taken("o1", null), noWait.toCompletableFuture().join());
        assertTrue(waiters.isEmpty());

        PaymentAnswer timedOut = requests().pay(pay("o2", 2100, SHORT_WAIT), STORE_1, "POST o2")
                .toCompletableFuture().join();
        assertEquals(new PaymentAnswer.Taken("o2", null), timedOut);
        assertEquals(2, published.size());
    }

    @Test
    void whenTheWaitEndsTheLedgerMayHoldTheFinalResult() {
        // published before this instance's results consumer was assigned: never seen by the waiter
        CompletionStage<PaymentAnswer> answer = requests().pay(pay("o1", 2100, Duration.ofMillis(300)), STORE_1,
                "POST o1");
        PaymentResult paid = result("o1", CommandType.PAY, Outcome.SUCCESS, 2100);
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.SUCCESS, stored.write(paid)));

        assertEquals(paid, ((PaymentAnswer.Final) answer.toCompletableFuture().join()).result());
    }

    @Test
    void aKnownPaymentIsAnsweredFromTheLedgerAndNeverPublishedAgain() {
        PaymentResult paid = result("o1", CommandType.PAY, Outcome.SUCCESS, 2100);
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.SUCCESS, stored.write(paid)));

        PaymentAnswer answer = requests().pay(pay("o1", 2100, Duration.ZERO), STORE_1, "POST o1")
                .toCompletableFuture().join();

        assertEquals(new PaymentAnswer.Final(paid), answer);
        assertTrue(published.isEmpty());
    }

    @Test
    void aPaymentUnknownAtTheDeadlineIsAnsweredWithAnUnknownResultMadeFromTheLedger() {
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.UNKNOWN, null));

        PaymentResult unknown = ((PaymentAnswer.Final) requests().pay(pay("o1", 2100, LONG_WAIT), STORE_1, "POST o1")
                .toCompletableFuture().join()).result();

        assertEquals(Outcome.UNKNOWN, unknown.outcome());
        assertEquals(CommandType.PAY, unknown.type());
        assertEquals(ResultSource.QUERY, unknown.source());
        assertEquals("o1", unknown.partnerOrderNo());
        assertEquals(2100, unknown.orderAmount());
        assertEquals("outcome unknown at the deadline: no answer", unknown.msg());
        assertTrue(published.isEmpty());
        assertTrue(waiters.isEmpty());
    }

    @Test
    void aPaymentInProgressIsAwaitedWithoutPublishingIt() {
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.PENDING, null));

        CompletionStage<PaymentAnswer> answer = requests().pay(pay("o1", 2100, LONG_WAIT), STORE_1, "POST o1");
        PaymentResult paid = result("o1", CommandType.PAY, Outcome.SUCCESS, 2100);
        waiters.onResult(paid);

        assertEquals(new PaymentAnswer.Final(paid), answer.toCompletableFuture().join());
        assertTrue(published.isEmpty());
    }

    @Test
    void theOrderNumberOfAnotherPaymentIsAConflictAndItsSuccessNeverAnswersThisCommand() {
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.SUCCESS, null));
        assertEquals(new PaymentAnswer.Conflict("orderAmount", "partnerOrderNo o1 is already used by a payment of "
                + "2100, not 2500"), requests().pay(pay("o1", 2500, LONG_WAIT), STORE_1, "POST o1")
                .toCompletableFuture().join());

        // another command took the order number while this one was being published: its SUCCESS is not ours, this
        // command's REJECTED (with its amount) is, and the ledger then names the conflict
        CompletionStage<PaymentAnswer> answer = requests().pay(pay("o2", 2500, LONG_WAIT), STORE_1, "POST o2");
        ledger.payments.put("o2", payment("o2", 2100, PaymentState.PAYING, null));
        waiters.onResult(result("o2", CommandType.PAY, Outcome.SUCCESS, 2100));
        assertFalse(answer.toCompletableFuture().isDone());
        waiters.onResult(result("o2", CommandType.PAY, Outcome.REJECTED, 2500));

        assertInstanceOf(PaymentAnswer.Conflict.class, answer.toCompletableFuture().join());
    }

    @Test
    void aKeyOfOneStoreNeitherPaysForAnotherStoreNorLearnsOfItsOrder() {
        assertEquals(new PaymentAnswer.OtherStore(), requests().pay(new PaymentRequests.Request(command(
                CommandType.PAY, "store-2", "o1", 2100, null), new byte[0], LONG_WAIT), STORE_1, "POST o1")
                .toCompletableFuture().join());

        ledger.payments.put("o2", new LedgerEntry("o2", "store-2", null, 2500, PaymentLedger.fingerprint(BARCODE),
                PaymentState.SUCCESS, null, 1, 0, null, null, 0, null, null, null, null, null));
        assertEquals(new PaymentAnswer.OtherStore(), requests().pay(pay("o2", 2100, LONG_WAIT), STORE_1, "POST o2")
                .toCompletableFuture().join(), "before the conflict, which would tell the other store's amount");
        assertTrue(published.isEmpty());
    }

    @Test
    void aCommandKafkaDidNotTakeIsNotSubmittedAndNothingWaits() {
        kafkaFailure = new IllegalStateException("broker down");

        PaymentAnswer answer = requests().pay(pay("o1", 2100, LONG_WAIT), STORE_1, "POST o1")
                .toCompletableFuture().join();

        assertEquals(new PaymentAnswer.NotSubmitted("the payment could not be handed to Kafka; nothing was charged, "
                + "send it again"), answer);
        assertTrue(waiters.isEmpty());
    }

    @Test
    void aRefundOfAnOrderTheLedgerDoesNotKnowIsNotFoundUnlessSuchRefundsAreAllowed() {
        PaymentAnswer refused = requests().refund(refund("o1", "r1", 600, Duration.ZERO), REFUNDS, "POST r1")
                .toCompletableFuture().join();
        assertEquals("partnerOrderNo", ((PaymentAnswer.NotFound) refused).field());

        refundsOfUnknownOrders = true;
        assertEquals(new PaymentAnswer.Taken("o1", "r1"), requests().refund(refund("o1", "r1", 600, Duration.ZERO),
                REFUNDS, "POST r1").toCompletableFuture().join());
        assertEquals(1, published.size());
    }

    @Test
    void aKnownRefundNumberIsAnsweredFromTheLedger() {
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.SUCCESS, null));
        PaymentResult refunded = result("o1", CommandType.REFUND, Outcome.SUCCESS, 600);
        refunds.refunds.put("r1", new RefundEntry("r1", "o1", 600, RefundState.SUCCESS, stored.write(refunded), null));

        assertEquals(new PaymentAnswer.Final(refunded), requests().refund(refund("o1", "r1", 600, LONG_WAIT),
                REFUNDS, "POST r1").toCompletableFuture().join());
        assertEquals(new PaymentAnswer.Conflict("refundNo", "refundNo r1 was already used for another refund"),
                requests().refund(refund("o1", "r1", 700, LONG_WAIT), REFUNDS, "POST r1").toCompletableFuture()
                        .join());
        assertTrue(published.isEmpty());
    }

    @Test
    void aRefreshShowsTheProvidersAnswerBesideTheLedgersPayment() {
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.PENDING, null));

        CompletionStage<PaymentAnswer> answer = requests().paymentState("o1", true, STORE_1);
        assertEquals(List.of("o1 {\"type\":\"QUERY\",\"partnerOrderNo\":\"o1\",\"storeNo\":\"store-1\"}"), published);
        PaymentResult pending = result("o1", CommandType.QUERY, Outcome.PENDING, 2100);
        waiters.onResult(pending);

        PaymentView view = ((PaymentAnswer.Payment) answer.toCompletableFuture().join()).view();
        assertEquals(PaymentState.PENDING, view.state());
        assertNull(view.result(), "not final");
        assertSame(pending, view.query());
    }

    @Test
    void aRefundIsShownOnlyUnderItsOwnOrder() {
        ledger.payments.put("o1", payment("o1", 2100, PaymentState.SUCCESS, null));
        refunds.refunds.put("r1", new RefundEntry("r1", "o1", 600, RefundState.REFUNDING, null, null));

        assertEquals(new PaymentAnswer.Refund(new RefundView("r1", "o1", RefundState.REFUNDING, 600, null)),
                requests().refundState("o1", "r1", STORE_1));
        assertEquals(new PaymentAnswer.NotFound(null, "no refund r1 of payment o2 in the ledger"),
                requests().refundState("o2", "r1", STORE_1));
    }

    private PaymentRequests requests() {
        return new PaymentRequests(ledger, refunds, new PaymentResults(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)), stored,
                waiters, mapper, this::submit, Runnable::run, Duration.ofSeconds(10), refundsOfUnknownOrders);
    }

    private CompletableFuture<Throwable> submit(String partnerOrderNo, byte[] command) {
        if (kafkaFailure == null) {
            published.add(partnerOrderNo + " " + new String(command, StandardCharsets.UTF_8));
        }
        return CompletableFuture.completedFuture(kafkaFailure);
    }

    private static PaymentRequests.Request pay(String order, int amount, Duration wait) {
        return new PaymentRequests.Request(command(CommandType.PAY, "store-1", order, amount, null),
                payJson(order, amount).getBytes(StandardCharsets.UTF_8), wait);
    }

    private static String payJson(String order, int amount) {
        return "{\"partnerOrderNo\":\"" + order + "\",\"orderAmount\":" + amount + "}";
    }

    private static PaymentRequests.Request refund(String order, String refundNo, int amount, Duration wait) {
        return new PaymentRequests.Request(command(CommandType.REFUND, null, order, amount, refundNo),
                ("{\"refundNo\":\"" + refundNo + "\"}").getBytes(StandardCharsets.UTF_8), wait);
    }

    private static PaymentCommand command(CommandType type, String store, String order, int amount, String refundNo) {
        return new PaymentCommand(type, store, order, null, type == CommandType.PAY ? BARCODE : null, amount, null,
                null, null, refundNo);
    }

    private static LedgerEntry payment(String order, int amount, PaymentState state, String finalResult) {
        return new LedgerEntry(order, "store-1", null, amount, PaymentLedger.fingerprint(BARCODE), state, null, 1, 0,
                "no answer", finalResult, 0, null, null, null, null, null);
    }

    private static PaymentResult result(String order, CommandType type, Outcome outcome, int amount) {
        return new PaymentResult(order, type, outcome, ResultSource.PAY_RESPONSE, null, null, null, null, amount,
                null, null, null, null, null, type == CommandType.REFUND ? "r1" : null, null, null, null);
    }

    /** No database in this test: any statement fails. */
    private static final DataSource NO_DATABASE = (DataSource) Proxy.newProxyInstance(
            DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException("no database in this test: " + method.getName());
            });

    /** The payments of the ledger as a map the test fills; nothing reaches a database. */
    private static final class Ledger extends PaymentLedger {

        final Map<String, LedgerEntry> payments = new ConcurrentHashMap<>();

        Ledger() {
            super(NO_DATABASE);
        }

        @Override
        public Optional<LedgerEntry> find(String partnerOrderNo) {
            return Optional.ofNullable(payments.get(partnerOrderNo));
        }
    }

    /** The refunds of the ledger as a map the test fills. */
    private static final class Refunds extends RefundLedger {

        final Map<String, RefundEntry> refunds = new ConcurrentHashMap<>();

        Refunds() {
            super(NO_DATABASE);
        }

        @Override
        public Optional<RefundEntry> findRefund(String refundNo) {
            return Optional.ofNullable(refunds.get(refundNo));
        }
    }
}
