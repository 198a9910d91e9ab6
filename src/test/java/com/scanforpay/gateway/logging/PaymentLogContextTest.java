package com.scanforpay.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
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
    void aProcessorLogsWithItsExchangesPaymentAndTheThreadGetsItsOwnBack() throws Exception {
        MDC.put(PaymentLogContext.PARTNER_ORDER_NO, "left-by-the-thread");
        Exchange exchange = new DefaultExchange(camel);
        PaymentLogContext.about(exchange, "p-0001");
        PaymentLogContext.request(exchange, "req-42");

        wrapped().process(exchange);

        assertEquals("p-0001", seen.get(PaymentLogContext.PARTNER_ORDER_NO));
        assertEquals("req-42", seen.get(PaymentLogContext.REQ_MSG_ID));
        assertEquals("left-by-the-thread", MDC.get(PaymentLogContext.PARTNER_ORDER_NO));
        assertNull(MDC.get(PaymentLogContext.REQ_MSG_ID));
    }

    @Test
    void anExchangeAboutNoPaymentDoesNotInheritTheThreadsLastOne() throws Exception {
        MDC.put(PaymentLogContext.PARTNER_ORDER_NO, "p-0001");
        MDC.put(PaymentLogContext.REQ_MSG_ID, "req-42");

        wrapped().process(new DefaultExchange(camel));

        assertNull(seen.get(PaymentLogContext.PARTNER_ORDER_NO));
        assertNull(seen.get(PaymentLogContext.REQ_MSG_ID));
        assertEquals("p-0001", MDC.get(PaymentLogContext.PARTNER_ORDER_NO));
        assertEquals("req-42", MDC.get(PaymentLogContext.REQ_MSG_ID));
    }

    @Test
    void unknownValuesAreNotRecorded() {
        Exchange exchange = new DefaultExchange(camel);
        PaymentLogContext.about(exchange, null);
        PaymentLogContext.request(exchange, null);
        assertEquals(Map.of(), exchange.getProperties());
    }

    private AsyncProcessor wrapped() {
        return (AsyncProcessor) new PaymentLogContext().wrapProcessorInInterceptors(camel, null, exchange -> {
            seen.put(PaymentLogContext.PARTNER_ORDER_NO, MDC.get(PaymentLogContext.PARTNER_ORDER_NO));
            seen.put(PaymentLogContext.REQ_MSG_ID, MDC.get(PaymentLogContext.REQ_MSG_ID));
        }, null);
    }
}
