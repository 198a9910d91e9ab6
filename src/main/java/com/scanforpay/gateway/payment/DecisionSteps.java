package com.scanforpay.gateway.payment;

import java.util.List;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.support.ExpressionAdapter;

/**
 * How routes carry a {@link Decision} from step to step: it is the exchange property {@link #DECISION}, set by
 * {@link #decide}, tested by {@link #is}, and its results published one by one with
 * {@code .loop(resultCount()).process(nextResult()).to(PUBLISH)}.
 */
public final class DecisionSteps {

    public static final String DECISION = "scanforpay.decision";

    private DecisionSteps() {
    }

    /** The step that records what {@code decision} decides for the exchange. */
    public static Processor decide(Function<Exchange, Decision> decision) {
        return exchange -> exchange.setProperty(DECISION, decision.apply(exchange));
    }

    /** Whether the exchange's decision is of {@code kind}. */
    public static Predicate is(Class<? extends Decision> kind) {
        return exchange -> kind.isInstance(decision(exchange));
    }

    public static Decision decision(Exchange exchange) {
        return exchange.getProperty(DECISION, Decision.class);
    }

    /** How many results the exchange's {@link Decision.Publish} holds. */
    public static Expression resultCount() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return results(exchange).size();
            }
        };
    }

    /** Sets the body to the result of the {@link Decision.Publish} that this turn of the loop publishes. */
    public static Processor nextResult() {
        return exchange -> exchange.getMessage().setBody(results(exchange).get(exchange.getProperty(
                Exchange.LOOP_INDEX, Integer.class)));
    }

    private static List<PaymentResult> results(Exchange exchange) {
        return ((Decision.Publish) decision(exchange)).results();
    }
}
