package com.scanforpay.gateway.notify;

import com.scanforpay.gateway.partner.Partners;
import com.scanforpay.gateway.publishing.PaymentResults;
import com.scanforpay.gateway.provider.ScanForPayEnvelope;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the plain-Java notify reader. */
@Singleton
public class NotifyBeans {

    @Produces
    @Singleton
    NotifyCallbacks notifyCallbacks(ScanForPayEnvelope envelope, Partners partners, PaymentResults results) {
        return new NotifyCallbacks(envelope, partners, results);
    }
}
