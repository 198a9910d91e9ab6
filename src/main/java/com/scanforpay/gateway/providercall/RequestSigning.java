package com.scanforpay.gateway.providercall;

import com.scanforpay.gateway.payment.Decision;
import com.scanforpay.gateway.payment.DecisionSteps;
import jakarta.inject.Singleton;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The sign step: the exchange's decision to call the provider ({@link Decision.Call} or {@link Decision.CallAgain})
 * becomes the sealed request, signed with its partner's key, that {@link ProviderCallRoute} sends exactly as it is.
 */
@Singleton
public class RequestSigning implements Processor {

    private final ProviderCalls providerCalls;

    public RequestSigning(ProviderCalls providerCalls) {
        this.providerCalls = providerCalls;
    }

    @Override
    public void process(Exchange exchange) {
        Decision decision = DecisionSteps.decision(exchange);
        if (decision instanceof Decision.Call call) {
            exchange.setProperty(ProviderCallRoute.REQUEST, providerCalls.request(call.command(), call.partner()));
        } else if (decision instanceof Decision.CallAgain again) {
            exchange.setProperty(ProviderCallRoute.REQUEST, providerCalls.request(again.pay(), again.partner()));
        } else {
            throw new IllegalStateException("nothing to sign: " + decision);
        }
    }
}
