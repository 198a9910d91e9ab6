package com.scanforpay.gateway.resolution;

import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.Decision;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.payment.PaymentProgress;
import com.scanforpay.gateway.payment.PaymentStateMachine;
import com.scanforpay.gateway.payment.PaymentStateMachine.Step;
import com.scanforpay.gateway.payment.StoredJson;
import com.scanforpay.gateway.providercall.ProviderCalls;
import com.scanforpay.gateway.providercall.ProviderReply;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The resolver's decisions about a payment whose next query is due (plain Java): republish a settled payment's
 * result, or ask the provider; then apply its answer (wait, settle, UNKNOWN at the deadline), or send the pay once
 * more when the provider has no such order.
 */
public final class ResolutionDecisions {

    private static final Logger LOG = Logger.getLogger(ResolutionDecisions.class);

    private final PaymentLedger ledger;
    private final PaymentStateMachine machine;
    private final PaymentProgress progress;
    private final ProviderCalls providerCalls;
    private final StoredJson json;

    public ResolutionDecisions(PaymentLedger ledger, PaymentStateMachine machine, PaymentProgress progress,
            ProviderCalls providerCalls, StoredJson json) {
        this.ledger = ledger;
        this.machine = machine;
        this.progress = progress;
        this.providerCalls = providerCalls;
        this.json = json;
    }

    /**
     * A settled payment whose result was not confirmed on Kafka (whoever settled it died before publishing): its
     * result again. Otherwise a query, through the partner the payment was sent through. A payment whose partner
     * is not configured any more is not asked of anyone: the answer is inconclusive, so the payment goes its way to
     * UNKNOWN at the deadline, saying why, and is never queried or paid through another partner's account.
     */
    public Decision resolve(LedgerEntry due, Instant databaseNow) {
        if (due.state().isFinal()) {
            return Decision.publish(machine.storedResult(due));
        }
        Optional<Partner> partner = providerCalls.partnerOf(due);
        if (partner.isEmpty()) {
            LOG.warnf("Payment %s: %s", due.partnerOrderNo(), ProviderCalls.noPartner(due));
            return applyAnswer(due, null, providerCalls.notSent(ProviderCalls.noPartner(due)), databaseNow);
        }
        return new Decision.Call(new PaymentCommand(CommandType.QUERY, due.storeNo(), due.partnerOrderNo(), null,
                null, null, null, null, null, null), partner.get());
    }

    /**
     * The ledger's move after the provider's answer to the query of {@code due}, sent through {@code partner}, and
     * what it lets publish; or the pay once more, through the same partner, when the provider has no such order.
     * {@code databaseNow}: the deadlines are the database's (set by its now()), compared on its clock.
     */
    public Decision applyAnswer(LedgerEntry due, Partner partner, ProviderReply reply, Instant databaseNow) {
        Step step = machine.afterQuery(due, reply, databaseNow);
        if (step.resendPay()) {
            // read before the move: once the payment moves on, the stored command may be cleared
            return new Decision.CallAgain(payCommand(due), partner, step);
        }
        return Decision.publish(progress.apply(due.partnerOrderNo(), step));
    }

    /** Only the path that moves the payment back to PAYING, at the attempt it saw, sends the pay again. */
    public Decision payAgain(LedgerEntry due, Decision.CallAgain again) {
        if (!ledger.move(due.partnerOrderNo(), again.step().from(), again.step().to(), again.step().update())) {
            return Decision.NOTHING;
        }
        LOG.infof("Payment %s: the provider has no such order; sending the pay once more", due.partnerOrderNo());
        return new Decision.Call(again.pay(), again.partner());
    }

    private PaymentCommand payCommand(LedgerEntry due) {
        String stored = ledger.payCommand(due.partnerOrderNo()).orElseThrow(() -> new IllegalStateException(
                "payment " + due.partnerOrderNo() + " has no stored pay command to send again"));
        return json.command(stored);
    }
}
