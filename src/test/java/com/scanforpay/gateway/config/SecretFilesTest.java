package com.scanforpay.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.api.ApiConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

    @TempDir
    Path dir;

    @Test
    void eachSecretFileSuppliesItsSettingWithoutSurroundingWhitespace() throws IOException {
        Map<String, String> env = Map.of(
                "SCANFORPAY_SIGN_KEY_FILE", file("sign-key", "  the-sign-key\n"),
                "SCANFORPAY_API_KEYS_TILL7_FILE", file("till7", "till7-key\n"),
                "QUARKUS_DATASOURCE_PASSWORD_FILE", file("db", "db-password"),
                "KAFKA_SASL_JAAS_CONFIG_FILE", file("jaas", "Module required password=\"p\";\n"),
                "KAFKA_SSL_KEYSTORE_PASSWORD_FILE", file("ks", "ks-password"));

        SecretFiles.Secrets secrets = SecretFiles.read(env);

        assertEquals(List.of(), secrets.problems());
        assertEquals(Map.of("SCANFORPAY_SIGN_KEY", "the-sign-key", "SCANFORPAY_API_KEYS_TILL7", "till7-key",
                "QUARKUS_DATASOURCE_PASSWORD", "db-password", "KAFKA_SASL_JAAS_CONFIG", "Module required password=\"p\";",
                "KAFKA_SSL_KEYSTORE_PASSWORD", "ks-password"), secrets.values());
    }

    @Test
    void settingsThatAreThemselvesFilePathsKeepTheirMeaning() throws IOException {
        String path = file("key.pem", "-----BEGIN PRIVATE KEY-----");
        Map<String, String> env = Map.of("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILE", path,
                "SCANFORPAY_PARTNERS_TOKYO_SIGN_KEY_FILE", path, "KAFKA_SASL_OAUTHBEARER_ASSERTION_FILE", path,
                "JAVA_OPTS_FILE", path);

        SecretFiles.Secrets secrets = SecretFiles.read(env);

        assertEquals(Map.of(), secrets.values());
        assertEquals(List.of(), secrets.problems());
    }

    @Test
    void aSecretGivenTwiceOrAnUnusableFileIsAProblemNamingTheVariableNeverTheContent() throws IOException {
        Map<String, String> env = Map.of(
                "SCANFORPAY_SIGN_KEY", "inline-key",
                "SCANFORPAY_SIGN_KEY_FILE", file("sign-key", "file-key"),
                "QUARKUS_DATASOURCE_PASSWORD_FILE", dir.resolve("missing").toString(),
                "KAFKA_SASL_JAAS_CONFIG_FILE", file("empty", " \n"));

        SecretFiles.Secrets secrets = SecretFiles.read(env);

        assertEquals(Map.of(), secrets.values());
        assertEquals(List.of(
                "KAFKA_SASL_JAAS_CONFIG_FILE: " + dir.resolve("empty") + " is empty",
                "QUARKUS_DATASOURCE_PASSWORD_FILE: cannot read " + dir.resolve("missing") + " (NoSuchFileException)",
                "SCANFORPAY_SIGN_KEY_FILE: SCANFORPAY_SIGN_KEY is set too; set one of them"), secrets.problems());
        assertFalse(String.join("\n", secrets.problems()).contains("file-key"));
    }

    @Test
    void theConfigSourceSuppliesTheSettingAsAnEnvironmentVariableWould() throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new EnvConfigSource(
                SecretFiles.read(Map.of("SCANFORPAY_SIGN_KEY_FILE", file("k", "key-from-file"),
                        "SCANFORPAY_API_KEYS_TILL7_FILE", file("t", "till7-key"))).values(), 300)).build();

        assertEquals("key-from-file", config.getValue("scanforpay.sign-key", String.class));
        assertEquals("till7-key", config.getValue("scanforpay.api.keys.till7", String.class));
        assertTrue(SecretFiles.isFileVariable("KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE"));
    }

    @Test
    void aSecretIsTakenAsItIsWithoutExpandingWhatLooksLikeAnExpression() throws IOException {
        String secret = "ab$$cd${x}e$f";
        // with the expression interceptor, as in Quarkus
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(new EnvConfigSource(
                SecretFiles.read(Map.of("SCANFORPAY_SIGN_KEY_FILE", file("k", secret))).values(), 300)).build();

        assertEquals(secret, config.getValue("scanforpay.sign-key", String.class));
    }

    @Test
    void aSecretFileVariableIsNoSettingOfItsOwn() throws IOException {
        // without SecretFileVariables the variable is also an API key "till7.file", its value the file's path
        Map<String, String> env = Map.of("SCANFORPAY_API_KEYS_TILL7_FILE", file("till7", "till7-key-from-a-file"));
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withInterceptors(new SecretFileVariables())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(env, 300), new EnvConfigSource(SecretFiles.read(env).values(), 300))
                .withMapping(ApiConfig.class).build();

        assertEquals(Map.of("till7", Optional.of("till7-key-from-a-file")), config.getConfigMapping(ApiConfig.class)
                .keys());
        assertFalse(config.getOptionalValue("scanforpay.api.keys.till7.file", String.class).isPresent());
    }

    private String file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }
}
