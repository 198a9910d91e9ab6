package com.scanforpay.gateway.health;

import com.scanforpay.gateway.command.CommandIntake;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Whether payment commands are being taken: DOWN while an outage (PostgreSQL or Kafka out of reach) holds the
 * command batches back, naming the cause, since when and how many batches in a row, and while the commands consumer
 * itself fails (Kafka refusing its credentials or its rights to the topic or group); UP again after the first batch
 * that gets through and the first poll that succeeds.
 */
@Readiness
@ApplicationScoped
public class CommandIntakeCheck implements HealthCheck {

    @Inject
    CommandIntake intake;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Payment commands");
        var failing = intake.consumerFailing();
        if (failing.isPresent()) {
            return response.down().withData("consumerFailingSince", failing.get().since().toString())
                    .withData("consumer", failing.get().cause()).build();
        }
        return intake.heldBack().map(held -> response.down().withData("heldBackSince", held.since().toString())
                .withData("batchesHeldBack", held.batches()).withData("outage", held.outage()).build())
                .orElseGet(() -> response.up().build());
    }
}
