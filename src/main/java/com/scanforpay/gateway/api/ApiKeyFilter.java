package com.scanforpay.gateway.api;

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

    private final List<byte[]> keys;

    @Inject
    public ApiKeyFilter(ApiConfig config) {
        this.keys = config.keys().values().stream().filter(key -> !key.isBlank())
                .map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (keys.isEmpty()) {
            return;
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || !known(authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8))) {
            request.abortWith(Response.fromResponse(Problem.unauthorized().response())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"scanforpay-gateway\"").build());
        }
    }

    private boolean known(byte[] presented) {
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, presented);
        }
        return match;
    }
}
