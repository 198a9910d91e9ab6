package com.scanforpay.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.LedgerFixture;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.ledger.PaymentState;
import com.scanforpay.gateway.ledger.RefundLedger;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.provider.OrderResult;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.publishing.PaymentResults;
import com.scanforpay.gateway.resolution.ResolutionDecisions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link PaymentDecisionsTest}, {@link RefundDecisionsTest} and the resolver's {@code ResolutionDecisionsTest}
 * share: the decision classes built as {@link PaymentBeans} wires them, from the real plain-Java collaborators, on the
 * test JVM's PostgreSQL ({@link LedgerFixture}); no Camel, no Quarkus. Two partners: the default one serves
 * {@link #STORE}, {@link #SECOND} serves {@link #SECOND_STORE}; no partner serves {@link #UNSERVED_STORE}, and
 * {@link #GONE_PARTNER_NO} is a partner account payments may have been sent through that is not configured.
 */
public final class DecisionFixture {

    public static final String STORE = LedgerFixture.STORE;
    public static final String SECOND_STORE = "200020000000001";
    public static final String UNSERVED_STORE = "900090000000009";
    public static final String GONE_PARTNER_NO = "30003";
    public static final String BARCODE = LedgerFixture.BARCODE;
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration PUBLISH_GRACE = Duration.ofSeconds(50);

    public static final Partner DEFAULT = new Partner(Partners.DEFAULT, LedgerFixture.PARTNER,
            new ScanForPaySigner("decision-fixture-default-key"), "https://pay.scanforpay.com");
    public static final Partner SECOND = new Partner("second", "20002",
            new ScanForPaySigner("decision-fixture-second-key"), "https://second.scanforpay.com");

    /** The settings' defaults: the deadline is a minute away, so nothing here reaches it. */
    public static final ScanForPayConfig.Pending TIMING = new Timing(Duration.ofSeconds(5), Duration.ofSeconds(3),
            Duration.ofSeconds(60), Duration.ofMinutes(1), Duration.ofHours(24), Duration.ofMillis(500), 100);

    private record Timing(Duration firstQueryDelay, Duration queryInterval, Duration deadline, Duration sweepInterval,
            Duration sweepDuration, Duration resolverTick, int resolverBatch) implements ScanForPayConfig.Pending {
    }

    public final PaymentLedger ledger = LedgerFixture.ledger();
    public final RefundLedger refunds = new RefundLedger(LedgerFixture.database());
    public final PaymentResults results = new PaymentResults(Clock.systemUTC());
    public final StoredJson stored = new StoredJson(new ObjectMapper());
    public final PaymentStateMachine machine = new PaymentStateMachine(results, new ObjectMapper(), TIMING,
            CONNECT_TIMEOUT.plus(RESPONSE_TIMEOUT), PUBLISH_GRACE);
    public final PaymentProgress progress = new PaymentProgress(ledger);
    public final ProviderCalls providerCalls = new ProviderCalls(new ScanForPayEnvelope(new ObjectMapper()),
            new Partners(DEFAULT, Optional.of(STORE), List.of(SECOND), Map.of(SECOND_STORE, SECOND.name())),
            Optional.empty(), Clock.systemUTC());
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    public final PaymentDecisions payments = new PaymentDecisions(ledger, machine, progress, results, providerCalls,
            stored, TIMING, RESPONSE_TIMEOUT);
    /** Refunds of orders the ledger does not know are not allowed (the default). */
    public final RefundDecisions refundDecisions = new RefundDecisions(ledger, refunds, machine, results,
            providerCalls, stored, new LedgerProof(ledger, refunds, results, stored), meters, false);
    public final ResolutionDecisions resolutions = new ResolutionDecisions(ledger, machine, progress, providerCalls,
            stored);

    /** A PAY of a new order in {@code storeNo}. */
    public static PaymentCommand pay(String storeNo, int amount) {
        return new PaymentCommand(CommandType.PAY, storeNo, LedgerFixture.orderNo(), null, BARCODE, amount, "Coffee",
                "op-1", "T-1", null);
    }

    /** A QUERY of {@code partnerOrderNo} naming {@code storeNo}. */
    public static PaymentCommand query(String storeNo, String partnerOrderNo) {
        return new PaymentCommand(CommandType.QUERY, storeNo, partnerOrderNo, null, null, null, null, null, null, null);
    }

    /** A REFUND of {@code amount} of {@code partnerOrderNo}, with a new refund number. */
    public static PaymentCommand refund(String partnerOrderNo, int amount) {
        return new PaymentCommand(CommandType.REFUND, null, partnerOrderNo, null, null, amount, null, "op-1", "T-1",
                "r" + LedgerFixture.orderNo().substring(1));
    }

    /** The provider's verified answer that {@code pay} is paid (status 1), to a pay call or a query. */
    public static ProviderReply.Order paidReply(PaymentCommand pay) {
        return new ProviderReply.Order(new OrderResult(OrderResult.CODE_SUCCESS, "success",
                "SFP" + pay.partnerOrderNo().substring(1, 20), pay.partnerOrderNo(), pay.orderAmount(), "ALIPAY",
                OrderResult.STATUS_PAID, "2026-12-03 10:00:00", "HKD", "b***@example.com", "2088000000000001"),
                "req-paid-" + pay.partnerOrderNo());
    }

    /** The ledger's admission of {@code pay}, as the PAY route asks for it. */
    public Admission admit(PaymentCommand pay) {
        return ledger.admitPayments(List.of(payments.newPayment(pay))).get(0);
    }

    /** {@code pay} admitted as a new payment (PAYING, one attempt). */
    public LedgerEntry admitted(PaymentCommand pay) {
        return assertInstanceOf(Admission.Admitted.class, admit(pay)).entry();
    }

    /** A new payment in {@code storeNo} (PAYING) recorded as sent through {@link #GONE_PARTNER_NO}. */
    public LedgerEntry admittedThroughGonePartner(String storeNo) {
        return assertInstanceOf(Admission.Admitted.class, ledger.admitPayment(LedgerFixture.orderNo(), storeNo,
                GONE_PARTNER_NO, 1250, BARCODE, LedgerFixture.FIRST_CHECK, LedgerFixture.DEADLINE, LedgerFixture.SWEEP,
                LedgerFixture.PAY_COMMAND)).entry();
    }

    /** {@code pay} admitted and paid: SUCCESS in the ledger, with its final result; that result. */
    public PaymentResult paid(PaymentCommand pay) {
        admitted(pay);
        PaymentResult result = progress.apply(pay.partnerOrderNo(), machine.afterPay(pay, paidReply(pay), 1));
        assertNotNull(result);
        assertEquals(PaymentState.SUCCESS, entry(pay.partnerOrderNo()).state());
        return result;
    }

    /** The ledger's row of {@code partnerOrderNo}, as it is now. */
    public LedgerEntry entry(String partnerOrderNo) {
        return ledger.find(partnerOrderNo).orElseThrow(() -> new AssertionError(partnerOrderNo + " not in ledger"));
    }
}
