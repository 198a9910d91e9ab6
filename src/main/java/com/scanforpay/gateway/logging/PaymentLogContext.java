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
 * processor, sets the MDC of whichever thread runs the processor to the exchange's values. Afterwards a nested
 * step gives back its enclosing step's values, and the outermost one leaves the MDC empty, so nothing passes to
 * the thread's next exchange, not even what a pool thread inherited from the step that created it (the MDC is
 * an InheritableThreadLocal). Lines logged outside any step (e.g. Camel's error handler) carry no fields.
 */
@Singleton
public class PaymentLogContext implements InterceptStrategy {

    public static final String PARTNER_ORDER_NO = "partnerOrderNo";
    public static final String REQ_MSG_ID = "reqMsgId";

    private static final String ORDER_PROPERTY = "scanforpay.log.partnerOrderNo";
    private static final String REQUEST_PROPERTY = "scanforpay.log.reqMsgId";
    /** How many wrapped steps this thread is inside (not inherited, unlike the MDC). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

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
                int[] depth = DEPTH.get();
                boolean outermost = depth[0] == 0;
                Object previousOrder = outermost ? null : MDC.get(PARTNER_ORDER_NO);
                Object previousRequest = outermost ? null : MDC.get(REQ_MSG_ID);
                put(PARTNER_ORDER_NO, order);
                put(REQ_MSG_ID, request);
                depth[0]++;
                try {
                    return processor.process(exchange, callback);
                } finally {
                    depth[0]--;
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
