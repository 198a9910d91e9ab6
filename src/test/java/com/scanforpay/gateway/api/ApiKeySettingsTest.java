package com.scanforpay.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API key settings: one line per inconsistency, naming the setting and never the key. */
class ApiKeySettingsTest {

    private static final String KEY = "till7-key-0123456789";

    @Test
    void consistentSettingsHaveNoProblem() {
        assertEquals(List.of(), ApiKeySettings.problems(Map.of("till7", Optional.of(KEY)),
                Map.of("till7", Optional.of("100010000000002, 100010000000009")), Map.of("till7", true)));
        assertEquals(List.of(), ApiKeySettings.problems(Map.of(), Map.of(), Map.of()));
    }

    @Test
    void eachProblemIsOneLineNamingItsSetting() {
        List<String> problems = ApiKeySettings.problems(
                Map.of("empty", Optional.empty(), "short", Optional.of("short-k3y"), "till7", Optional.of(KEY),
                        "twin", Optional.of(" " + KEY)),
                Map.of("ghost", Optional.of("100010000000002"), "till7", Optional.of(" , ")),
                Map.of("phantom", true, "till7", false));

        assertEquals(List.of(
                "scanforpay.api.keys.\"empty\" is empty: give the key a random value of at least 16 characters, or "
                        + "remove it",
                "scanforpay.api.keys.\"short\" is shorter than 16 characters: use a random key of at least 16 (e.g. "
                        + "openssl rand -hex 24)",
                "scanforpay.api.keys.\"twin\" is the same key as scanforpay.api.keys.\"till7\": give each till its "
                        + "own key",
                "scanforpay.api.stores.\"ghost\" is for API key ghost, which is not configured: add "
                        + "scanforpay.api.keys.\"ghost\" (env SCANFORPAY_API_KEYS_GHOST) or remove the setting",
                "scanforpay.api.stores.\"till7\" lists no store: name the stores the key acts for (comma-separated "
                        + "store numbers), or remove the setting for a key of every store",
                "scanforpay.api.refunds.\"phantom\" is for API key phantom, which is not configured: add "
                        + "scanforpay.api.keys.\"phantom\" (env SCANFORPAY_API_KEYS_PHANTOM) or remove the setting"),
                problems);
        assertTrue(problems.stream().noneMatch(line -> line.contains(KEY) || line.contains("short-k3y")
                || line.contains("\n")), problems.toString());
    }

    @Test
    void storesAreACommaSeparatedListWithoutBlanks() {
        assertEquals(Set.of("100010000000002", "100010000000009"),
                ApiKeySettings.stores(" 100010000000002,,100010000000009 ,"));
        assertTrue(ApiKeySettings.stores(" , ").isEmpty());
    }

    @Test
    void aCallerActsForItsStoresOnlyAndAnUnknownStoreOnlyForEveryStore() {
        ApiCaller limited = new ApiCaller("till7", Optional.of(Set.of("100010000000002")), false);
        assertTrue(limited.actsFor("100010000000002"));
        assertFalse(limited.actsFor("100010000000009"));
        assertFalse(limited.actsFor(null));
        assertTrue(ApiCaller.OPEN.actsFor(null));
        assertTrue(ApiCaller.OPEN.actsFor("100010000000009"));
        assertTrue(ApiCaller.OPEN.mayRefund());
    }
}
