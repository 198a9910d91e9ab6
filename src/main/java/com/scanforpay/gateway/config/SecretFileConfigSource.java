package com.scanforpay.gateway.config;

import io.smallrye.config.EnvConfigSource;

/**
 * The settings read from secret files ({@link SecretFiles}), seen exactly as if they were environment variables
 * (same names, same ordinal), so that {@code SCANFORPAY_SIGN_KEY_FILE} stands in for {@code SCANFORPAY_SIGN_KEY}
 * (the variable itself is hidden by {@link SecretFileVariables}).
 * Problems are reported at start-up by {@link ScanForPayConfig#getSecretFileProblems()}.
 */
public class SecretFileConfigSource extends EnvConfigSource {

    public SecretFileConfigSource() {
        super(SecretFiles.read(System.getenv()).values(), EnvConfigSource.ORDINAL);
    }

    @Override
    public String getName() {
        return "SecretFileConfigSource";
    }
}
