package com.scanforpay.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.config.ScanForPayConfig.PartnerAccount;
import com.scanforpay.gateway.config.ScanForPayConfig.StoreMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partner and store settings: keys from a value or a file, and one clear line per inconsistency. */
class PartnerSettingsTest {

    private static final String KEY = "tokyo-key-7c1e";

    @TempDir
    Path dir;

    record Account(String partnerNo, Optional<String> signKey, Optional<Path> signKeyFile, Optional<String> baseUrl)
            implements PartnerAccount {
    }

    record Store(String partner) implements StoreMapping {
    }

    private static Account withKey(String partnerNo, String key) {
        return new Account(partnerNo, Optional.of(key), Optional.empty(), Optional.empty());
    }

    private static Account withKeyFile(String partnerNo, Path file) {
        return new Account(partnerNo, Optional.empty(), Optional.of(file), Optional.empty());
    }

    private static List<String> problems(Map<String, Account> partners, Map<String, Store> stores,
            boolean allowSandbox) {
        return PartnerSettings.problems(partners, stores, "10001", Optional.of("100010000000002"), allowSandbox);
    }

    @Test
    void keyComesFromTheSettingOrFromTheFileWithoutSurroundingWhitespace() throws IOException {
        assertEquals(KEY, PartnerSettings.signKey("tokyo", withKey("20002", KEY)));

        Path secret = Files.writeString(dir.resolve("tokyo.key"), "  " + KEY + "\n", StandardCharsets.UTF_8);
        assertEquals(KEY, PartnerSettings.signKey("tokyo", withKeyFile("20002", secret)));
    }

    @Test
    void aPartnerNeedsExactlyOneUsableKey() throws IOException {
        Path secret = Files.writeString(dir.resolve("k"), KEY);
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        Path missing = dir.resolve("missing");

        assertEquals("scanforpay.partners.\"tokyo\".sign-key (or .sign-key-file) is required: the partner's sign key",
                message(new Account("20002", Optional.empty(), Optional.empty(), Optional.empty())));
        assertEquals("scanforpay.partners.\"tokyo\".sign-key (or .sign-key-file) is required: the partner's sign key",
                message(new Account("20002", Optional.of(" "), Optional.empty(), Optional.empty())));
        assertEquals("scanforpay.partners.\"tokyo\": set sign-key or sign-key-file, not both",
                message(new Account("20002", Optional.of(KEY), Optional.of(secret), Optional.empty())));
        assertEquals("scanforpay.partners.\"tokyo\".sign-key-file: " + empty + " is empty",
                message(withKeyFile("20002", empty)));
        assertEquals("scanforpay.partners.\"tokyo\".sign-key-file: cannot read " + missing
                + " (NoSuchFileException)", message(withKeyFile("20002", missing)));
        assertEquals(List.of("scanforpay.partners.\"tokyo\".sign-key-file: cannot read " + missing
                + " (NoSuchFileException)"), problems(Map.of("tokyo", withKeyFile("20002", missing)), Map.of(), true));
    }

    private static String message(Account account) {
        return assertThrows(IllegalArgumentException.class, () -> PartnerSettings.signKey("tokyo", account))
                .getMessage();
    }

    @Test
    void consistentSettingsHaveNoProblems() throws IOException {
        Path secret = Files.writeString(dir.resolve("osaka.key"), "osaka-key\n");
        Map<String, Account> partners = Map.of("tokyo", withKey("20002", KEY), "osaka",
                new Account("30003", Optional.empty(), Optional.of(secret), Optional.of("https://jp.pay.example")));
        Map<String, Store> stores = Map.of("200020000000001", new Store("tokyo"), "300030000000001",
                new Store("osaka"), "100010000000002", new Store("default"), "100010000000003", new Store("default"));

        assertEquals(List.of(), problems(partners, stores, false));
        assertEquals(List.of(), problems(Map.of(), Map.of(), false), "the single-partner gateway");
    }

    @Test
    void eachInconsistencyIsOneLineNamingItsSetting() {
        Map<String, Account> partners = Map.of(
                "default", withKey("40004", "k4"),
                "kobe", withKey("10001", "k5"),
                "nara", new Account("50005", Optional.of(KEY), Optional.empty(), Optional.of("ftp://x")));
        Map<String, Store> stores = Map.of("200020000000001", new Store("nagoya"), "100010000000002",
                new Store("kobe"));

        assertEquals(List.of(
                "scanforpay.partners.\"default\": the name default is the partner of SCANFORPAY_PARTNER_NO and "
                        + "SCANFORPAY_SIGN_KEY; give this partner another name",
                "scanforpay.partners.\"kobe\".partner-no 10001 is already the partnerNo of partner default: "
                        + "configure each partner account once",
                "scanforpay.partners.\"nara\".base-url must be an https:// URL with a host, is ftp://x",
                "scanforpay.stores.\"100010000000002\".partner: store 100010000000002 is SCANFORPAY_STORE_NO, which "
                        + "belongs to the default partner; map it to default or set another SCANFORPAY_STORE_NO",
                "scanforpay.stores.\"200020000000001\".partner names partner nagoya, which is not configured: add "
                        + "scanforpay.partners.\"nagoya\".partner-no and its sign key, or name default"),
                problems(partners, stores, true));
    }

    @Test
    void outsideTheSandboxEachPartnerNeedsHttpsAndARealKey() throws IOException {
        Path sandboxKeyFile = Files.writeString(dir.resolve("k"), "SandBox-key-1\n");
        Map<String, Account> partners = Map.of(
                "tokyo", new Account("20002", Optional.of("sandbox-key-2"), Optional.empty(),
                        Optional.of("http://127.0.0.1:8089")),
                "osaka", withKeyFile("30003", sandboxKeyFile));

        List<String> refused = problems(partners, Map.of(), false);
        assertEquals(List.of(
                "refused: scanforpay.partners.\"osaka\".sign-key-file is a sandbox key (set "
                        + "SCANFORPAY_ALLOW_SANDBOX=true only against a sandbox)",
                "refused: scanforpay.partners.\"tokyo\".sign-key is a sandbox key (set SCANFORPAY_ALLOW_SANDBOX=true "
                        + "only against a sandbox)",
                "refused: scanforpay.partners.\"tokyo\".base-url must be an https:// URL (set "
                        + "SCANFORPAY_ALLOW_SANDBOX=true only against a sandbox)"), refused);
        assertTrue(refused.stream().noneMatch(line -> line.contains("sandbox-key-2") || line.contains("SandBox-key-1")),
                "no line shows a key");
        assertEquals(List.of(), problems(partners, Map.of(), true), "allowed against a sandbox");
    }

    @Test
    void problemLinesNeverShowAKey() {
        List<String> lines = problems(Map.of("tokyo", new Account("10001", Optional.of(KEY), Optional.of(dir),
                Optional.of("http://x"))), Map.of(), false);
        assertFalse(lines.isEmpty());
        assertTrue(lines.stream().noneMatch(line -> line.contains(KEY)), lines.toString());
    }
}
