package com.scanforpay.gateway.provider;

import java.util.Optional;

/** The sign keys the gateway holds, by the {@code partnerNo} ScanForPay assigned to each partner account. */
@FunctionalInterface
public interface PartnerKeys {

    /** The signer of partner {@code partnerNo}, or empty when the gateway has no such partner. */
    Optional<ScanForPaySigner> signerOf(String partnerNo);
}
