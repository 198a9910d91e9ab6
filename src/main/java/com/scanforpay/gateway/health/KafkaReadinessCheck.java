package com.scanforpay.gateway.health;

import com.scanforpay.gateway.config.KafkaConnection;
import com.scanforpay.gateway.kafka.KafkaClients;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Kafka reachable within 3 s. Replaces Quarkus' own Kafka check, which waits for the admin client's default
 * timeout (a minute) while the broker is down: longer than any probe waits, so readiness never said DOWN. It connects
 * as the gateway's consumers do ({@link KafkaClients}: the same servers, security protocol and credentials), so a
 * wrong password or certificate shows here, by name.
 */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_MS = 3000;

    @Inject
    KafkaConnection kafka;

    @Inject
    KafkaClients clients;

    private volatile Admin admin;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Kafka").withData("bootstrap.servers", kafka.bootstrapServers());
        Admin client;
        try {
            client = admin();
        } catch (KafkaException e) {
            // unusable client settings (a JAAS line, a key store): the message could quote them, the class does not
            return response.down().withData("error", "the Kafka client settings are not usable ("
                    + e.getClass().getSimpleName() + "): check the kafka.* settings").build();
        }
        try {
            int brokers = client.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            return response.status(brokers > 0).withData("brokers", brokers).build();
        } catch (ExecutionException e) {
            return response.down().withData("error", failure(e.getCause())).build();
        } catch (TimeoutException e) {
            return response.down().withData("error", "not reachable within " + TIMEOUT_MS + " ms").build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().build();
        }
    }

    /** What went wrong, for an operator: refused credentials and missing rights are named as such. */
    private static String failure(Throwable cause) {
        if (cause instanceof AuthenticationException) {
            // Kafka's message names the mechanism, never the secret
            return "authentication failed: " + cause.getMessage();
        }
        if (cause instanceof AuthorizationException) {
            return "not authorized: " + cause.getMessage();
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "not reachable within " + TIMEOUT_MS + " ms";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(clients.adminSettings(TIMEOUT_MS));
                }
            }
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
