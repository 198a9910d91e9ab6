package com.scanforpay.gateway.api;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Optional API keys ({@code scanforpay.api.keys."<till-or-store>"}): when any is configured, every request to the
 * payments API needs {@code Authorization: Bearer <key>}, else {@code 401}. Keys are compared in constant time
 * on their bytes, every configured key each time, and never logged. Only the JAX-RS resources ({@code /payments})
 * pass here: the notify callback (ScanForPay signs it), health, metrics and OpenAPI are not affected.
 */
@Provider
public class ApiKeyFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";

    // looked up on first use: filters are created at static init, before runtime configuration is available
    @Inject
    Instance<ApiConfig> config;

    private volatile List<byte[]> keys;

    @Override
    public void filter(ContainerRequestContext request) {
        List<byte[]> keys = keys();
        if (keys.isEmpty()) {
            return;
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || !known(keys, authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8))) {
            request.abortWith(Response.fromResponse(Problem.unauthorized().response())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"scanforpay-gateway\"").build());
        }
    }

    private List<byte[]> keys() {
        List<byte[]> known = keys;
        if (known == null) {
            known = config.get().keys().values().stream().filter(key -> !key.isBlank())
                    .map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
            keys = known;
        }
        return known;
    }

    private static boolean known(List<byte[]> keys, byte[] presented) {
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }
}
