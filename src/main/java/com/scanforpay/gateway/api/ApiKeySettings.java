package com.scanforpay.gateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads and checks the key settings of {@link ApiConfig}: one line per problem, naming the setting. Lines name keys
 * by their names only, never by their values.
 */
final class ApiKeySettings {

    /** Shorter keys can be guessed; 16 characters of a random key are beyond guessing over HTTP. */
    static final int MIN_KEY_LENGTH = 16;

    private ApiKeySettings() {
    }

    static List<String> problems(ApiConfig config) {
        return problems(config.keys(), config.stores(), config.refunds());
    }

    static List<String> problems(Map<String, Optional<String>> keys, Map<String, Optional<String>> stores,
            Map<String, Boolean> refunds) {
        List<String> problems = new ArrayList<>();
        Map<String, String> nameByKey = new HashMap<>();
        for (Map.Entry<String, Optional<String>> entry : new TreeMap<>(keys).entrySet()) {
            String setting = keySetting(entry.getKey());
            String key = entry.getValue().map(String::strip).orElse("");
            if (key.isEmpty()) {
                problems.add(setting + " is empty: give the key a random value of at least " + MIN_KEY_LENGTH
                        + " characters, or remove it");
                continue;
            }
            if (key.length() < MIN_KEY_LENGTH) {
                problems.add(setting + " is shorter than " + MIN_KEY_LENGTH + " characters: use a random key of at "
                        + "least " + MIN_KEY_LENGTH + " (e.g. openssl rand -hex 24)");
            }
            String other = nameByKey.putIfAbsent(key, entry.getKey());
            if (other != null) {
                problems.add(setting + " is the same key as " + keySetting(other) + ": give each till its own key");
            }
        }
        for (String name : new TreeMap<>(stores).keySet()) {
            String setting = "scanforpay.api.stores.\"" + name + "\"";
            if (!keys.containsKey(name)) {
                problems.add(notConfigured(setting, name));
            } else if (stores(stores.get(name).orElse("")).isEmpty()) {
                problems.add(setting + " lists no store: name the stores the key acts for (comma-separated store "
                        + "numbers), or remove the setting for a key of every store");
            }
        }
        for (String name : new TreeMap<>(refunds).keySet()) {
            if (!keys.containsKey(name)) {
                problems.add(notConfigured("scanforpay.api.refunds.\"" + name + "\"", name));
            }
        }
        return problems;
    }

    /** What the key of {@code name} may do; its value is the key itself. */
    static Map<String, ApiCaller> callers(ApiConfig config) {
        Map<String, ApiCaller> callers = new TreeMap<>();
        for (String name : config.keys().keySet()) {
            Optional<Set<String>> stores = Optional.ofNullable(config.stores().get(name))
                    .map(list -> stores(list.orElse("")));
            callers.put(name, new ApiCaller(name, stores, Boolean.TRUE.equals(config.refunds().get(name))));
        }
        return callers;
    }

    /** The store numbers of a comma-separated list, without blanks. */
    static Set<String> stores(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(store -> !store.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** SHA-256 of a key: every key compared is then 32 bytes, so the comparison's time says nothing of lengths. */
    static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.strip().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String keySetting(String name) {
        return "scanforpay.api.keys.\"" + name + "\"";
    }

    private static String notConfigured(String setting, String name) {
        return setting + " is for API key " + name + ", which is not configured: add " + keySetting(name)
                + " (env SCANFORPAY_API_KEYS_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                + ") or remove the setting";
    }
}
