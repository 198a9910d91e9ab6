package com.scanforpay.gateway.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.provider.ScanForPaySigner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which partner serves which store, and which key a notification's partnerNo selects. */
class PartnersTest {

    private static final String DEFAULT_STORE = "100010000000002";
    private final Partner defaultPartner = new Partner(Partners.DEFAULT, "10001", new ScanForPaySigner("key-a"),
            "https://pay.scanforpay.com");
    private final Partner tokyo = new Partner("tokyo", "20002", new ScanForPaySigner("key-tokyo"),
            "https://jp.pay.example/");
    private final Partner osaka = new Partner("osaka", "30003", new ScanForPaySigner("key-osaka"),
            "https://pay.scanforpay.com");

    @Test
    void withoutStoreMappingEveryStoreBelongsToTheDefaultPartner() {
        Partners partners = new Partners(defaultPartner, Optional.of(DEFAULT_STORE), List.of(tokyo), Map.of());

        assertFalse(partners.storesMapped());
        assertSame(defaultPartner, partners.forStore(DEFAULT_STORE).orElseThrow());
        assertSame(defaultPartner, partners.forStore("any-store").orElseThrow());
        assertSame(defaultPartner, Partners.single(defaultPartner, Optional.empty()).forStore("x").orElseThrow());
        // tokyo serves no store, but its notifications are still verified with its key
        assertSame(tokyo.signer(), partners.signerOf("20002").orElseThrow());
    }

    @Test
    void mappedStoresBelongToTheirPartnerTheDefaultStoreToTheDefaultAndOthersAreUnknown() {
        Partners partners = new Partners(defaultPartner, Optional.of(DEFAULT_STORE), List.of(tokyo, osaka),
                Map.of("200020000000001", "tokyo", "200020000000002", "tokyo", "300030000000001", "osaka",
                        "100010000000003", Partners.DEFAULT));

        assertTrue(partners.storesMapped());
        assertSame(tokyo, partners.forStore("200020000000001").orElseThrow());
        assertSame(tokyo, partners.forStore("200020000000002").orElseThrow());
        assertSame(osaka, partners.forStore("300030000000001").orElseThrow());
        assertSame(defaultPartner, partners.forStore("100010000000003").orElseThrow());
        assertSame(defaultPartner, partners.forStore(DEFAULT_STORE).orElseThrow(), "the default store, unmapped");
        assertEquals(Optional.empty(), partners.forStore("999990000000001"));
        assertEquals(Optional.empty(), partners.forStore(null));
        assertEquals(List.of("200020000000001", "200020000000002"), partners.storesOf(tokyo).stream().sorted()
                .toList());
    }

    @Test
    void withoutADefaultStoreOnlyMappedStoresAreKnown() {
        Partners partners = new Partners(defaultPartner, Optional.of(" "), List.of(tokyo),
                Map.of("200020000000001", "tokyo"));
        assertEquals(Optional.empty(), partners.defaultStoreNo(), "a blank SCANFORPAY_STORE_NO is none");
        assertEquals(Optional.empty(), partners.forStore(DEFAULT_STORE));
        assertSame(tokyo, partners.forStore("200020000000001").orElseThrow());
    }

    @Test
    void partnersAreFoundByPartnerNo() {
        Partners partners = new Partners(defaultPartner, Optional.empty(), List.of(tokyo, osaka), Map.of());

        assertSame(defaultPartner, partners.byPartnerNo("10001").orElseThrow());
        assertSame(tokyo, partners.byPartnerNo("20002").orElseThrow());
        assertSame(osaka.signer(), partners.signerOf("30003").orElseThrow());
        assertEquals(Optional.empty(), partners.byPartnerNo("40004"));
        assertEquals(Optional.empty(), partners.signerOf("40004"));
        assertEquals(Optional.empty(), partners.byPartnerNo(null));
        assertEquals(List.of(defaultPartner, tokyo, osaka), partners.all());
    }

    @Test
    void inconsistentPartnersAreRefused() {
        Partner sameNo = new Partner("kobe", "20002", new ScanForPaySigner("key-kobe"), "https://x.example");
        assertThrows(IllegalArgumentException.class,
                () -> new Partners(defaultPartner, Optional.empty(), List.of(tokyo, sameNo), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Partners(defaultPartner, Optional.empty(), List.of(tokyo, tokyo), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Partners(defaultPartner, Optional.empty(), List.of(tokyo), Map.of("s1", "nagoya")));
        assertThrows(IllegalArgumentException.class, () -> new Partners(defaultPartner, Optional.of(DEFAULT_STORE),
                List.of(tokyo), Map.of(DEFAULT_STORE, "tokyo")));
        assertThrows(IllegalArgumentException.class, () -> new Partners(tokyo, Optional.empty(), List.of(),
                Map.of()));
    }

    @Test
    void baseUrlLosesItsTrailingSlashAndNothingShowsAKey() {
        assertEquals("https://jp.pay.example", tokyo.baseUrl());
        Partners partners = new Partners(defaultPartner, Optional.of(DEFAULT_STORE), List.of(tokyo),
                Map.of("200020000000001", "tokyo"));
        for (String text : List.of(tokyo.toString(), partners.toString(), tokyo.signer().toString())) {
            assertFalse(text.contains("key-tokyo") || text.contains("key-a"), text);
        }
        assertEquals("Partner[tokyo, partnerNo=20002, baseUrl=https://jp.pay.example]", tokyo.toString());
    }
}
