package com.scanforpay.gateway.partner;

import com.scanforpay.gateway.config.PartnerSettings;
import com.scanforpay.gateway.config.ScanForPayConfig;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** Wires the partner registry from configuration (already checked at start-up: {@link PartnerSettings}). */
@Singleton
public class PartnerBeans {

    private static final Logger LOG = Logger.getLogger(PartnerBeans.class);

    @Produces
    @Singleton
    Partners partners(ScanForPayConfig config) {
        Partner defaultPartner = new Partner(Partners.DEFAULT, config.partnerNo(),
                new ScanForPaySigner(config.signKey()), config.baseUrl());
        List<Partner> others = new ArrayList<>();
        config.partners().forEach((name, account) -> others.add(new Partner(name, account.partnerNo(),
                new ScanForPaySigner(PartnerSettings.signKey(name, account)),
                account.baseUrl().orElse(config.baseUrl()))));
        Map<String, String> partnerOfStore = new LinkedHashMap<>();
        config.stores().forEach((store, mapping) -> partnerOfStore.put(store, mapping.partner()));
        Partners partners = new Partners(defaultPartner, config.storeNo(), others, partnerOfStore);
        if (!others.isEmpty() || partners.storesMapped()) {
            for (Partner partner : partners.all()) {
                LOG.infof("ScanForPay partner %s (partnerNo %s, %s): %s", partner.name(), partner.partnerNo(),
                        partner.baseUrl(), describeStores(partners, partner));
            }
        }
        return partners;
    }

    private static String describeStores(Partners partners, Partner partner) {
        if (!partners.storesMapped()) {
            return partner == partners.defaultPartner() ? "every store" : "no store (notifications only)";
        }
        List<String> stores = new ArrayList<>(partners.storesOf(partner));
        if (partner == partners.defaultPartner()) {
            partners.defaultStoreNo().filter(store -> !stores.contains(store)).ifPresent(stores::add);
        }
        return stores.isEmpty() ? "no store (notifications only)" : "stores " + stores;
    }
}
