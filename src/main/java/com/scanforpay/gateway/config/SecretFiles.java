package com.scanforpay.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Secrets read from files (mounted secrets: Docker's {@code /run/secrets}, Kubernetes volumes): for each secret
 * setting {@code NAME}, the environment variable {@code NAME_FILE} names a file whose content, without surrounding
 * whitespace, is the value. Only the secret settings below have such a variant, so that a setting that is itself a
 * file path (e.g. {@code QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILE}) keeps its meaning. Error lines name the variable and
 * the file, never the content.
 */
public final class SecretFiles {

    /** The secret settings that may come from a file: {@code <one of these>_FILE}. */
    private static final Pattern VARIABLE = Pattern.compile("(SCANFORPAY_SIGN_KEY|SCANFORPAY_API_KEYS_[A-Z0-9_]+"
            + "|QUARKUS_DATASOURCE_PASSWORD|KAFKA_SASL_JAAS_CONFIG|KAFKA_SSL_(?:TRUSTSTORE|KEYSTORE|KEY)_PASSWORD)_FILE");

    private SecretFiles() {
    }

    /** The secrets named by {@code environment}'s {@code …_FILE} variables, and every problem reading them. */
    public record Secrets(Map<String, String> values, List<String> problems) {
    }

    /** Whether {@code name} is the {@code …_FILE} variant of a secret setting. */
    public static boolean isFileVariable(String name) {
        return VARIABLE.matcher(name).matches();
    }

    /** The environment variable of a setting: upper case, anything but letters and digits an underscore. */
    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Reads every secret file named in {@code environment}; values are keyed by the setting (variable) they supply. */
    public static Secrets read(Map<String, String> environment) {
        Map<String, String> values = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (!isFileVariable(name)) {
                continue;
            }
            String setting = name.substring(0, name.length() - "_FILE".length());
            if (environment.containsKey(setting)) {
                problems.add(name + ": " + setting + " is set too; set one of them");
                continue;
            }
            try {
                // a secret is taken as it is: SmallRye would expand ${...} in it and turn $$ into $
                values.put(setting, read(Path.of(variable.getValue()), name).replace("$", "$$"));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return new Secrets(values, problems);
    }

    /** Every problem of this process' secret files, one line each; empty when they are all readable. */
    public static List<String> problems() {
        return read(System.getenv()).problems();
    }

    /**
     * The secret held in {@code file}, without surrounding whitespace (a mounted secret often ends with a newline).
     *
     * @throws IllegalArgumentException naming {@code setting} when the file cannot be read or is empty
     */
    public static String read(Path file, String setting) {
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            // the exception's class says enough (no such file, not allowed); its message could be long
            throw new IllegalArgumentException(setting + ": cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException(setting + ": " + file + " is empty");
        }
        return secret;
    }
}
