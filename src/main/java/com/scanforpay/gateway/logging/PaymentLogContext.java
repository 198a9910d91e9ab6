package com.scanforpay.gateway.logging;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.jboss.logging.MDC;

/**
 * Names the payment a log line is about, as the MDC fields {@value #PARTNER_ORDER_NO} and {@value #REQ_MSG_ID}
 * (in JSON logs: {@code "mdc":{"partnerOrderNo":…,"reqMsgId":…}}), on every line logged while a route works on
 * that payment, including Camel's and the libraries' own lines.
 *
 * <p>A flow records the two on its exchange as soon as it knows them ({@link #about}, {@link #request}); they
 * apply from the next processor on. An exchange changes threads several times (Kafka batch, provider answers,
 * publishing pool), and an MDC belongs to a thread, so this intercept strategy, which Camel applies to every
 * processor, sets the MDC of whichever thread runs the processor to the exchange's values and restores that
 * thread's previous values afterwards (nothing leaks to the next exchange on the thread).
 */
@Singleton
public class PaymentLogContext implements InterceptStrategy {

    public static final String PARTNER_ORDER_NO = "partnerOrderNo";
    public static final String REQ_MSG_ID = "reqMsgId";

    private static final String ORDER_PROPERTY = "scanforpay.log.partnerOrderNo";
    private static final String REQUEST_PROPERTY = "scanforpay.log.reqMsgId";

    /** From now on, this exchange's log lines are about {@code partnerOrderNo} (ignored when null). */
    public static void about(Exchange exchange, String partnerOrderNo) {
        record(exchange, ORDER_PROPERTY, partnerOrderNo);
    }

    /** From now on, this exchange's log lines are about the provider request {@code reqMsgId} (ignored when null). */
    public static void request(Exchange exchange, String reqMsgId) {
        record(exchange, REQUEST_PROPERTY, reqMsgId);
    }

    private static void record(Exchange exchange, String property, String value) {
        if (value != null) {
            exchange.setProperty(property, value);
        }
    }

    // applied to the routes as Camel builds them (an InterceptStrategy bean alone is not picked up here)
    void register(@Observes BeforeConfigure event) {
        event.getCamelContext().getCamelContextExtension().addInterceptStrategy(this);
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String order = exchange.getProperty(ORDER_PROPERTY, String.class);
                String request = exchange.getProperty(REQUEST_PROPERTY, String.class);
                Object previousOrder = MDC.get(PARTNER_ORDER_NO);
                Object previousRequest = MDC.get(REQ_MSG_ID);
                put(PARTNER_ORDER_NO, order);
                put(REQ_MSG_ID, request);
                try {
                    return processor.process(exchange, callback);
                } finally {
                    // this thread goes on with other exchanges: leave its MDC as it was
                    put(PARTNER_ORDER_NO, previousOrder);
                    put(REQ_MSG_ID, previousRequest);
                }
            }
        };
    }

    private static void put(String field, Object value) {
        if (value == null) {
            MDC.remove(field);
        } else {
            MDC.put(field, value);
        }
    }
}
