package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.command.FieldError;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.NewPayment;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import com.scanforpay.gateway.publishing.PaymentResults;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The decisions of the PAY and QUERY commands (plain Java): whether a PAY is sent, what a repeat gets, whom a
 * QUERY asks, and what their answers publish. A PAY is sent only when the ledger admits it as new; a repeat (Kafka
 * redelivery, an ERP retry, another instance) gets the stored final result, or is resolved by querying; never a
 * second pay call.
 */
public final class PaymentDecisions {

    private static final Logger LOG = Logger.getLogger(PaymentDecisions.class);

    private final PaymentLedger ledger;
    private final PaymentStateMachine machine;
    private final PaymentProgress progress;
    private final PaymentResults results;
    private final ProviderCalls providerCalls;
    private final StoredJson stored;
    private final ScanForPayConfig.Pending timing;
    private final Duration responseTimeout;

    public PaymentDecisions(PaymentLedger ledger, PaymentStateMachine machine, PaymentProgress progress,
            PaymentResults results, ProviderCalls providerCalls, StoredJson stored, ScanForPayConfig.Pending timing,
            Duration responseTimeout) {
        this.ledger = ledger;
        this.machine = machine;
        this.progress = progress;
        this.results = results;
        this.providerCalls = providerCalls;
        this.stored = stored;
        this.timing = timing;
        this.responseTimeout = responseTimeout;
    }

    /** The payment the ledger is asked to admit for a PAY, with the partner serving its store. */
    public NewPayment newPayment(PaymentCommand pay) {
        return new NewPayment(pay.partnerOrderNo(), pay.storeNo(), partnerOf(pay).partnerNo(), pay.orderAmount(),
                pay.barcode(), machine.firstCheckOfPayCall(), timing.deadline(), timing.sweepDuration(),
                stored.write(pay));
    }

    /**
     * After the ledger's {@code admission} of {@code pay}, {@code waited} ago: call the provider for a new
     * payment; publish the refusal of a conflicting one, or the stored result of a settled repeat; nothing for
     * a repeat still being resolved (it is on the resolver's schedule, which the repeat leaves as it is).
     */
    public Decision admitPayment(PaymentCommand pay, Admission admission, Duration waited) {
        if (admission instanceof Admission.Admitted) {
            if (waited.compareTo(responseTimeout) > 0) {
                // The resolver's first query is timed from the admission as if the call had started then (connect
                // and response timeouts, then a delay): a pay started this late could reach the provider after that
                // query. Never sent, it is asked about and sent once from there (only a stalled process waits so long).
                LOG.warnf("PAY %s not sent: admitted %d ms ago; the resolver asks the provider about it and sends it "
                        + "once", pay.partnerOrderNo(), waited.toMillis());
                return Decision.NOTHING;
            }
            return new Decision.Call(pay, partnerOf(pay));
        }
        if (admission instanceof Admission.Conflict conflict) {
            LOG.warnf("PAY %s refused: %s", pay.partnerOrderNo(), conflict.message());
            return Decision.publish(results.rejected(pay, new FieldError(conflict.field(), conflict.message())));
        }
        LedgerEntry entry = ((Admission.Existing) admission).entry();
        LOG.infof("PAY %s is already %s: not paid again", pay.partnerOrderNo(), entry.state());
        // its result may have been lost in a crash; the publishing step drops it if it was not
        return entry.state().isFinal() ? Decision.publish(machine.storedResult(entry)) : Decision.NOTHING;
    }

    /** After the answer to the {@code attempt}-th pay call of {@code pay}: what the ledger's move lets publish. */
    public Decision afterPay(PaymentCommand pay, ProviderReply reply, int attempt) {
        return Decision.publish(progress.apply(pay.partnerOrderNo(), machine.afterPay(pay, reply, attempt)));
    }

    /**
     * Whom a QUERY asks: for an order the ledger knows, its store through the partner it was sent through;
     * otherwise the command's {@code storeNo}. When that partner (or store) is not configured any more, the
     * answer is inconclusive at once, without a call.
     */
    public Decision prepareQuery(PaymentCommand query) {
        Optional<LedgerEntry> payment = query.partnerOrderNo() == null ? Optional.empty()
                : ledger.find(query.partnerOrderNo());
        String storeNo = payment.map(LedgerEntry::storeNo).orElse(query.storeNo());
        PaymentCommand asked = Objects.equals(storeNo, query.storeNo()) ? query : new PaymentCommand(
                CommandType.QUERY, storeNo, query.partnerOrderNo(), query.orderNo(), null, null, null, null, null,
                null);
        Optional<Partner> partner = payment.isPresent() ? providerCalls.partnerOf(payment.get())
                : providerCalls.partnerFor(storeNo);
        if (partner.isPresent()) {
            return new Decision.Call(asked, partner.get());
        }
        String reason = payment.map(ProviderCalls::noPartner).orElseGet(() -> UnknownStoreException.message(storeNo));
        LOG.warnf("QUERY %s: %s", query.partnerOrderNo(), reason);
        return queryAnswered(query, providerCalls.notSent(reason));
    }

    /** A QUERY's answer, published as it is: a query changes nothing in the ledger. */
    public Decision queryAnswered(PaymentCommand query, ProviderReply reply) {
        return Decision.publish(results.of(query, PaymentStateMachine.aboutThisPayment(reply, query.partnerOrderNo(),
                query.orderNo(), null)));
    }

    /** The partner a PAY is sent through (recorded with the payment: its queries, re-send and refunds use it). */
    private Partner partnerOf(PaymentCommand pay) {
        // the parser rejects commands of stores no partner serves
        return providerCalls.partnerFor(pay.storeNo()).orElseThrow(() -> new UnknownStoreException(pay.storeNo()));
    }
}
