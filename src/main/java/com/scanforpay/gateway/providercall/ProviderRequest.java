package com.scanforpay.gateway.providercall;

import com.scanforpay.gateway.partner.Partner;
import com.scanforpay.gateway.provider.SignedEnvelope;

/**
 * A command's signed request, sealed once for one partner account: the exact bytes that go to that partner's base
 * URL plus {@code path}; its answer is verified with the same partner's key.
 */
public record ProviderRequest(Partner partner, String path, SignedEnvelope envelope, String reqMsgId) {

    /** The partner's provider base URL (the request goes to this plus {@link #path()}). */
    public String baseUrl() {
        return partner.baseUrl();
    }
}
