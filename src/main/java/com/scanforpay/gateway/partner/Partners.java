package com.scanforpay.gateway.partner;

import com.scanforpay.gateway.provider.PartnerKeys;
import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The partner accounts and which stores they serve (plain Java). Rules:
 * <ul>
 *   <li>no store mapping configured: every store belongs to the default partner (the single-partner gateway);</li>
 *   <li>stores mapped: a mapped store belongs to its partner, the default store ({@code SCANFORPAY_STORE_NO}) to
 *       the default partner, and any other store is unknown (its commands are rejected).</li>
 * </ul>
 * Notifications name their partner by {@code partnerNo}: {@link #signerOf(String)}.
 */
public final class Partners implements PartnerKeys {

    /** The name of the partner of the single-partner settings. */
    public static final String DEFAULT = "default";

    private final Partner defaultPartner;
    private final Optional<String> defaultStoreNo;
    private final Map<String, Partner> byName = new LinkedHashMap<>();
    private final Map<String, Partner> byPartnerNo = new LinkedHashMap<>();
    private final Map<String, Partner> byStore = new LinkedHashMap<>();

    /**
     * @param defaultPartner   the partner named {@value #DEFAULT}
     * @param defaultStoreNo   the store of commands without one; it belongs to the default partner
     * @param others           further partners, each with its own name and partnerNo
     * @param partnerOfStore   store number → partner name ({@value #DEFAULT} or one of {@code others})
     * @throws IllegalArgumentException when names or partnerNos repeat, or a store names an unknown partner
     */
    public Partners(Partner defaultPartner, Optional<String> defaultStoreNo, Collection<Partner> others,
            Map<String, String> partnerOfStore) {
        if (!DEFAULT.equals(defaultPartner.name())) {
            throw new IllegalArgumentException("the default partner must be named " + DEFAULT);
        }
        this.defaultPartner = defaultPartner;
        this.defaultStoreNo = defaultStoreNo.filter(store -> !store.isBlank());
        List<Partner> all = new ArrayList<>();
        all.add(defaultPartner);
        all.addAll(others);
        for (Partner partner : all) {
            if (byName.putIfAbsent(partner.name(), partner) != null) {
                throw new IllegalArgumentException("two partners are named " + partner.name());
            }
            if (byPartnerNo.putIfAbsent(partner.partnerNo(), partner) != null) {
                throw new IllegalArgumentException("partners " + byPartnerNo.get(partner.partnerNo()).name()
                        + " and " + partner.name() + " have the same partnerNo " + partner.partnerNo());
            }
        }
        partnerOfStore.forEach((store, name) -> {
            Partner partner = byName.get(name);
            if (partner == null) {
                throw new IllegalArgumentException("store " + store + " names partner " + name
                        + ", which is not configured");
            }
            if (this.defaultStoreNo.filter(store::equals).isPresent() && partner != defaultPartner) {
                throw new IllegalArgumentException("store " + store + " is the default store: it belongs to the "
                        + DEFAULT + " partner");
            }
            byStore.put(store, partner);
        });
    }

    /** A gateway with one partner serving every store: the single-partner settings. */
    public static Partners single(Partner defaultPartner, Optional<String> defaultStoreNo) {
        return new Partners(defaultPartner, defaultStoreNo, List.of(), Map.of());
    }

    public Partner defaultPartner() {
        return defaultPartner;
    }

    /** {@code SCANFORPAY_STORE_NO}: the store of commands that name none. */
    public Optional<String> defaultStoreNo() {
        return defaultStoreNo;
    }

    /** Whether stores are mapped to partners; if not, every store belongs to the default partner. */
    public boolean storesMapped() {
        return !byStore.isEmpty();
    }

    /** The partner serving {@code storeNo}, or empty for a store this gateway does not serve (or none). */
    public Optional<Partner> forStore(String storeNo) {
        if (storeNo == null) {
            return Optional.empty();
        }
        if (byStore.isEmpty() || defaultStoreNo.filter(storeNo::equals).isPresent()) {
            return Optional.of(byStore.getOrDefault(storeNo, defaultPartner));
        }
        return Optional.ofNullable(byStore.get(storeNo));
    }

    /**
     * The partner a payment was sent through: the one recorded with it ({@code partnerNo}), else (payments recorded
     * before partners were) the one serving its store now. Empty when that partner or store is no longer configured:
     * the payment must then not be asked of, or sent through, anyone else.
     */
    public Optional<Partner> ofPayment(String partnerNo, String storeNo) {
        return partnerNo != null ? byPartnerNo(partnerNo)
                : storeNo == null ? Optional.of(defaultPartner) : forStore(storeNo);
    }

    /** The partner ScanForPay knows as {@code partnerNo}. */
    public Optional<Partner> byPartnerNo(String partnerNo) {
        return Optional.ofNullable(partnerNo).map(byPartnerNo::get);
    }

    @Override
    public Optional<ScanForPaySigner> signerOf(String partnerNo) {
        return byPartnerNo(partnerNo).map(Partner::signer);
    }

    /** Every partner, the default first. */
    public List<Partner> all() {
        return List.copyOf(byName.values());
    }

    /** The stores mapped to {@code partner} (empty when no stores are mapped). */
    public List<String> storesOf(Partner partner) {
        return byStore.entrySet().stream().filter(e -> e.getValue().equals(partner)).map(Map.Entry::getKey)
                .toList();
    }

    @Override
    public String toString() {
        return "Partners[" + byName.values() + (byStore.isEmpty() ? ", every store: " + DEFAULT
                : ", stores: " + byStore.size()) + "]";
    }
}
