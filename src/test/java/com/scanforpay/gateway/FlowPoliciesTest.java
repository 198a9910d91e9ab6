package com.scanforpay.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.command.CommandDispatcher;
import com.scanforpay.gateway.idempotency.IdempotencyBeans;
import com.scanforpay.gateway.idempotency.PostgresIdempotentRepository;
import com.scanforpay.gateway.payment.CommandType;
import com.scanforpay.gateway.payment.PaymentCommand;
import com.scanforpay.gateway.sandbox.SandboxBarcodes;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import com.scanforpay.gateway.testing.StackTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The flows' error policies ({@link FlowPolicies}) are applied as each route names them: Camel gives a route its
 * configuration's error handler only while no RouteBuilder sets one of its own, so this is checked, not assumed.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestStack.class)
class FlowPoliciesTest {

    private static final Duration RESULT_WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> POLICY_OF_ROUTE = Map.ofEntries(
            Map.entry("payment-commands", FlowPolicies.STEPS),
            Map.entry("payment-command", FlowPolicies.COMMANDS),
            Map.entry("pay-command", FlowPolicies.COMMANDS),
            Map.entry("query-command", FlowPolicies.COMMANDS),
            Map.entry("refund-command", FlowPolicies.COMMANDS),
            Map.entry("reject-command", FlowPolicies.COMMANDS),
            Map.entry("command-failed", FlowPolicies.COMMANDS),
            Map.entry("dead-letter", FlowPolicies.COMMANDS),
            Map.entry("payment-resolution", FlowPolicies.RESOLUTION),
            Map.entry("resolve-payment", FlowPolicies.RESOLUTION),
            Map.entry("notify-callback", FlowPolicies.NOTIFY),
            Map.entry("publish-result", FlowPolicies.STEPS),
            Map.entry("publish-result-once", FlowPolicies.STEPS),
            Map.entry("send-result", FlowPolicies.STEPS),
            Map.entry("call-provider", FlowPolicies.STEPS),
            Map.entry("submit-command", FlowPolicies.STEPS));

    @RegisterExtension
    static final StackTopics TOPICS = new StackTopics();

    @Inject
    CamelContext camel;
    @Inject
    @Named(IdempotencyBeans.PUBLISHED_RESULTS)
    PostgresIdempotentRepository publishedResults;

    /**
     * Camel records no applied configuration for the notify route (its RouteBuilder also holds the REST DSL, whose
     * routes are prepared apart): that its policy applies is shown by NotifyCallbackTest, whose 400 and 503 answers
     * only that policy gives.
     */
    @Test
    void everyFlowRouteRunsUnderThePolicyItNames() {
        POLICY_OF_ROUTE.forEach((route, policy) -> {
            assertEquals(policy, definition(route).getRouteConfigurationId(), route);
            if (!route.equals("notify-callback")) {
                assertEquals(Set.of(policy), definition(route).getAppliedRouteConfigurationIds(), route);
            }
        });
    }

    @Test
    void sharedStepsHandNoFailureOverAndFlowsLogEachFailureOnceThroughTheDispatcher() {
        POLICY_OF_ROUTE.forEach((route, policy) -> {
            if (policy.equals(FlowPolicies.STEPS)) {
                assertInstanceOf(NoErrorHandlerDefinition.class, definition(route).getErrorHandlerFactory(), route);
            } else if (policy.equals(FlowPolicies.COMMANDS)) {
                DefaultErrorHandlerDefinition handler = assertInstanceOf(DefaultErrorHandlerDefinition.class,
                        definition(route).getErrorHandlerFactory(), route);
                assertEquals("false", handler.getRedeliveryPolicy().getLogExhausted(), route);
            }
        });
    }

    /**
     * A refund reaching the paid amount publishes its own result, then the payment's REFUNDED. While another path
     * holds REFUNDED's key, only that second publication is retried: the refund's result is on Kafka once, and the
     * command completes once the other path has published.
     */
    @Test
    void aResultBeingPublishedElsewhereIsWaitedForAtItsOwnStepOnly() throws Exception {
        String order = OrderNumbers.next("fp");
        TOPICS.pay(order, SandboxBarcodes.PAID, 1500);
        TOPICS.results().awaitFirst(result -> order.equals(result.key())
                && "SUCCESS".equals(result.json().path("outcome").asText()), RESULT_WAIT);
        String refunded = order + "/PAY/REFUNDED";
        assertTrue(publishedResults.add(refunded), "the other path's claim");
        Set<String> retried = ConcurrentHashMap.newKeySet();
        EventNotifierSupport redeliveries = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                PaymentCommand command = ((CamelEvent.ExchangeRedeliveryEvent) event).getExchange()
                        .getProperty(CommandDispatcher.COMMAND, PaymentCommand.class);
                if (command != null && command.type() == CommandType.REFUND) {
                    retried.add(command.partnerOrderNo());
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeRedeliveryEvent;
            }
        };
        camel.getManagementStrategy().addEventNotifier(redeliveries);
        ServiceHelper.startService(redeliveries);
        try {
            TOPICS.refund(order, OrderNumbers.next("fr"), 1500);
            await("REFUNDED retried while the other path holds it").atMost(RESULT_WAIT)
                    .until(() -> retried.contains(order));
            assertTrue(publishedResults.confirm(refunded), "the other path has published");
            TOPICS.awaitSettled();
        } finally {
            camel.getManagementStrategy().removeEventNotifier(redeliveries);
            ServiceHelper.stopService(redeliveries);
        }
        assertEquals(List.of("PAY/SUCCESS", "REFUND/SUCCESS"), TOPICS.results().fieldsWithKey(order, "type",
                "outcome"));
    }

    private RouteDefinition definition(String route) {
        RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition(route);
        assertTrue(definition != null, "route " + route);
        return definition;
    }
}
