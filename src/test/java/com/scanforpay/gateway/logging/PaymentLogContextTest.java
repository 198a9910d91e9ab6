package com.scanforpay.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PaymentLogContextTest {

    private final CamelContext camel = new DefaultCamelContext();
    private final Map<String, Object> seen = new HashMap<>();

    @AfterEach
    void clearThread() {
        MDC.remove(PaymentLogContext.PARTNER_ORDER_NO);
        MDC.remove(PaymentLogContext.REQ_MSG_ID);
    }

    @Test
    void aStepLogsWithItsExchangesPaymentAndLeavesTheThreadEmpty() throws Exception {
        // as a pool thread created inside another payment's step inherits its MDC
        MDC.put(PaymentLogContext.PARTNER_ORDER_NO, "inherited-p-0009");
        MDC.put(PaymentLogContext.REQ_MSG_ID, "inherited-req-9");
        Exchange exchange = new DefaultExchange(camel);
        PaymentLogContext.about(exchange, "p-0001");
        PaymentLogContext.request(exchange, "req-42");

        wrapped(recordMdc("step")).process(exchange);

        assertEquals("p-0001", seen.get("step/" + PaymentLogContext.PARTNER_ORDER_NO));
        assertEquals("req-42", seen.get("step/" + PaymentLogContext.REQ_MSG_ID));
        assertNull(MDC.get(PaymentLogContext.PARTNER_ORDER_NO), "nothing left for the thread's next exchange");
        assertNull(MDC.get(PaymentLogContext.REQ_MSG_ID));
    }

    @Test
    void aNestedStepGivesBackItsEnclosingStepsPayment() throws Exception {
        Exchange outer = new DefaultExchange(camel);
        PaymentLogContext.about(outer, "p-0001");
        Exchange inner = new DefaultExchange(camel);
        PaymentLogContext.about(inner, "p-0002");
        AsyncProcessor innerStep = wrapped(recordMdc("inner"));

        wrapped(exchange -> {
            innerStep.process(inner);
            recordMdc("outer-after").process(exchange);
        }).process(outer);

        assertEquals("p-0002", seen.get("inner/" + PaymentLogContext.PARTNER_ORDER_NO));
        assertEquals("p-0001", seen.get("outer-after/" + PaymentLogContext.PARTNER_ORDER_NO));
        assertNull(MDC.get(PaymentLogContext.PARTNER_ORDER_NO));
    }

    @Test
    void anExchangeAboutNoPaymentDoesNotInheritTheThreadsLastOne() throws Exception {
        MDC.put(PaymentLogContext.PARTNER_ORDER_NO, "p-0001");
        MDC.put(PaymentLogContext.REQ_MSG_ID, "req-42");

        wrapped(recordMdc("step")).process(new DefaultExchange(camel));

        assertNull(seen.get("step/" + PaymentLogContext.PARTNER_ORDER_NO));
        assertNull(seen.get("step/" + PaymentLogContext.REQ_MSG_ID));
    }

    @Test
    void unknownValuesAreNotRecorded() {
        Exchange exchange = new DefaultExchange(camel);
        PaymentLogContext.about(exchange, null);
        PaymentLogContext.request(exchange, null);
        assertEquals(Map.of(), exchange.getProperties());
    }

    private AsyncProcessor wrapped(Processor step) {
        return (AsyncProcessor) new PaymentLogContext().wrapProcessorInInterceptors(camel, null, step, null);
    }

    private Processor recordMdc(String step) {
        return exchange -> {
            seen.put(step + "/" + PaymentLogContext.PARTNER_ORDER_NO, MDC.get(PaymentLogContext.PARTNER_ORDER_NO));
            seen.put(step + "/" + PaymentLogContext.REQ_MSG_ID, MDC.get(PaymentLogContext.REQ_MSG_ID));
        };
    }
}
