package com.scanforpay.gateway.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;

/**
 * Identifies the caller of every {@code /payments} request ({@link ApiCallers}): without a configured key in
 * {@code Authorization: Bearer <key>} the answer is {@code 401} (always, when no key is configured), unless
 * {@code scanforpay.api.auth=none}. The caller is handed to the resource ({@link CurrentCaller}), which decides what
 * they may do. Only the JAX-RS resources pass here: the notify callback (ScanForPay signs it) is not affected, nor are
 * health, metrics, OpenAPI and Swagger UI, which the management interface serves on its own port.
 */
@Provider
public class ApiKeyFilter implements ContainerRequestFilter {

    // client proxies: filters are created at static init, before runtime configuration is available
    @Inject
    ApiCallers callers;
    @Inject
    CurrentCaller current;

    @Override
    public void filter(ContainerRequestContext request) {
        Optional<ApiCaller> caller = callers.identify(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (caller.isEmpty()) {
            request.abortWith(Response.fromResponse(Problem.unauthorized().response())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"scanforpay-gateway\"").build());
            return;
        }
        current.set(caller.get());
    }
}
