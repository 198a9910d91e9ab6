package com.scanforpay.gateway.health;

import com.scanforpay.gateway.config.ScanForPayConfig;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Whether ScanForPay can be reached (a TCP connection to its base URL), reported on {@code /q/health/well}.
 * A wellness check, not a readiness one: without the provider, payments still end in a known state (queries and
 * UNKNOWN), notifications still arrive, and taking the instance out of service would only lose those.
 */
@Wellness
@ApplicationScoped
public class ProviderReachabilityCheck implements HealthCheck {

    private static final int TIMEOUT_MS = 2000;

    @Inject
    ScanForPayConfig config;

    @Override
    public HealthCheckResponse call() {
        URI uri = URI.create(config.baseUrl());
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        var response = HealthCheckResponse.named("ScanForPay provider").withData("host", uri.getHost() + ":" + port);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), TIMEOUT_MS);
            return response.up().build();
        } catch (IOException e) {
            return response.down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
