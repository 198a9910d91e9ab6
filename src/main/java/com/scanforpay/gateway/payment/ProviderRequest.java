package com.scanforpay.gateway.payment;

import com.scanforpay.gateway.provider.SignedEnvelope;

/** A command's signed request, sealed once: the exact bytes that go to {@code path}. */
public record ProviderRequest(String path, SignedEnvelope envelope, String reqMsgId) {
}
