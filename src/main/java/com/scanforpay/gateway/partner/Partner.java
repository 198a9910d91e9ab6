package com.scanforpay.gateway.partner;

import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.util.Objects;

/**
 * One ScanForPay partner account: its requests carry {@code partnerNo} in the header, are signed (and their answers
 * and notifications verified) with its key, and go to its base URL.
 *
 * @param name      the name in the configuration ({@code scanforpay.partners."<name>"}), {@code default} for the
 *                  single-partner settings
 * @param partnerNo assigned by ScanForPay
 * @param signer    holds the partner's sign key; never shows it
 * @param baseUrl   the provider base URL for this partner, without a trailing slash
 */
public record Partner(String name, String partnerNo, ScanForPaySigner signer, String baseUrl) {

    public Partner {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(partnerNo, "partnerNo");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(baseUrl, "baseUrl");
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "Partner[" + name + ", partnerNo=" + partnerNo + ", baseUrl=" + baseUrl + "]";
    }
}
