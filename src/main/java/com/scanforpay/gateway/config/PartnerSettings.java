package com.scanforpay.gateway.config;

import com.scanforpay.gateway.config.ScanForPayConfig.PartnerAccount;
import com.scanforpay.gateway.config.ScanForPayConfig.StoreMapping;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and checks the partner and store settings of {@link ScanForPayConfig}. Error lines name the setting and
 * what to do; they never contain a sign key (nor a key file's content).
 */
public final class PartnerSettings {

    /** The partner of the single-partner settings (docs/contract.md §1); a store may name it. */
    public static final String DEFAULT_PARTNER = "default";

    private static final String ALLOW_SANDBOX = "(set SCANFORPAY_ALLOW_SANDBOX=true only against a sandbox)";

    private PartnerSettings() {
    }

    /** Every problem of {@code config}'s partners and stores, one line each; empty when they are consistent. */
    public static List<String> problems(ScanForPayConfig config) {
        return problems(config.partners(), config.stores(), config.partnerNo(), config.storeNo(),
                config.allowSandbox());
    }

    static List<String> problems(Map<String, ? extends PartnerAccount> partners,
            Map<String, ? extends StoreMapping> stores, String defaultPartnerNo, Optional<String> defaultStoreNo,
            boolean allowSandbox) {
        List<String> problems = new ArrayList<>();
        Map<String, String> partnerByPartnerNo = new HashMap<>();
        partnerByPartnerNo.put(defaultPartnerNo, DEFAULT_PARTNER);
        for (Map.Entry<String, ? extends PartnerAccount> entry : new TreeMap<>(partners).entrySet()) {
            String name = entry.getKey();
            PartnerAccount account = entry.getValue();
            String setting = "scanforpay.partners.\"" + name + "\"";
            if (DEFAULT_PARTNER.equals(name)) {
                problems.add(setting + ": the name " + DEFAULT_PARTNER + " is the partner of SCANFORPAY_PARTNER_NO "
                        + "and SCANFORPAY_SIGN_KEY; give this partner another name");
                continue;
            }
            String other = partnerByPartnerNo.putIfAbsent(account.partnerNo(), name);
            if (other != null) {
                problems.add(setting + ".partner-no " + account.partnerNo() + " is already the partnerNo of partner "
                        + other + ": configure each partner account once");
            }
            try {
                String key = signKey(name, account);
                if (!allowSandbox && isSandboxKey(key)) {
                    problems.add("refused: " + keySetting(name, account) + " is a sandbox key " + ALLOW_SANDBOX);
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            account.baseUrl().ifPresent(url -> {
                if (!isHttpUrl(url)) {
                    problems.add(setting + ".base-url must be an https:// URL with a host, is " + url);
                } else if (!allowSandbox && !url.startsWith("https://")) {
                    problems.add("refused: " + setting + ".base-url must be an https:// URL " + ALLOW_SANDBOX);
                }
            });
        }
        for (Map.Entry<String, ? extends StoreMapping> entry : new TreeMap<>(stores).entrySet()) {
            String storeNo = entry.getKey();
            String partner = entry.getValue().partner();
            String setting = "scanforpay.stores.\"" + storeNo + "\".partner";
            if (!DEFAULT_PARTNER.equals(partner) && (!partners.containsKey(partner))) {
                problems.add(setting + " names partner " + partner + ", which is not configured: add "
                        + "scanforpay.partners.\"" + partner + "\".partner-no and its sign key, or name "
                        + DEFAULT_PARTNER);
            } else if (defaultStoreNo.filter(storeNo::equals).isPresent() && !DEFAULT_PARTNER.equals(partner)) {
                problems.add(setting + ": store " + storeNo + " is SCANFORPAY_STORE_NO, which belongs to the "
                        + DEFAULT_PARTNER + " partner; map it to " + DEFAULT_PARTNER + " or set another "
                        + "SCANFORPAY_STORE_NO");
            }
        }
        return problems;
    }

    /**
     * The sign key of partner {@code name}: its {@code sign-key}, or the content of its {@code sign-key-file}
     * without surrounding whitespace.
     *
     * @throws IllegalArgumentException naming the setting when there is no key, two, or the file is unusable
     */
    public static String signKey(String name, PartnerAccount account) {
        String setting = "scanforpay.partners.\"" + name + "\"";
        Optional<String> key = account.signKey().filter(k -> !k.isBlank());
        if (key.isPresent() && account.signKeyFile().isPresent()) {
            throw new IllegalArgumentException(setting + ": set sign-key or sign-key-file, not both");
        }
        if (key.isPresent()) {
            return key.get();
        }
        if (account.signKeyFile().isEmpty()) {
            throw new IllegalArgumentException(setting + ".sign-key (or .sign-key-file) is required: the partner's "
                    + "sign key");
        }
        return SecretFiles.read(account.signKeyFile().get(), setting + ".sign-key-file");
    }

    private static String keySetting(String name, PartnerAccount account) {
        return "scanforpay.partners.\"" + name + "\"." + (account.signKeyFile().isPresent() ? "sign-key-file"
                : "sign-key");
    }

    /** The sandbox's well-known keys say so; production refuses them (as SCANFORPAY_SIGN_KEY's). */
    public static boolean isSandboxKey(String key) {
        return key.toLowerCase(Locale.ROOT).contains("sandbox");
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
