package com.scanforpay.gateway.resolution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.scanforpay.gateway.ledger.LedgerEntry;
import com.scanforpay.gateway.ledger.PaymentState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resolver's tick: it claims only what there is room for, never waits for a payment, and every payment it
 * starts (resolved or failed) frees its place. The resolving route here holds each payment until the test ends it.
 */
class ResolutionDispatcherTest {

    private static final int MOST = 3;

    private final CamelContext camel = new DefaultCamelContext();
    /** The room asked of the ledger by each claim. */
    private final List<Integer> claims = new ArrayList<>();
    /** The payments being resolved, by order: ending one with a failure (or null) completes its exchange. */
    private final Map<String, Consumer<Exception>> inFlight = new ConcurrentHashMap<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private ResolutionDispatcher dispatcher;
    private int claimed;

    @BeforeEach
    void start() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler());
                from("direct:resolve").routeId("resolve").process(new AsyncProcessorSupport() {
                    @Override
                    public boolean process(Exchange exchange, AsyncCallback callback) {
                        inFlight.put(exchange.getMessage().getBody(LedgerEntry.class).partnerOrderNo(), failure -> {
                            exchange.setException(failure);
                            callback.done(false);
                        });
                        return false;
                    }
                });
            }
        });
        camel.start();
        // always more due than there is room for
        dispatcher = new ResolutionDispatcher(camel, "direct:resolve", MOST, room -> {
            claims.add(room);
            List<LedgerEntry> due = new ArrayList<>();
            for (int i = 0; i < room; i++) {
                due.add(entry("order-" + ++claimed));
            }
            return due;
        });
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger("").removeHandler(capture);
        List.copyOf(inFlight.keySet()).forEach(order -> end(order, null));
        camel.close();
    }

    @Test
    void aTickClaimsOnlyWhatThereIsRoomForAndDoesNotWaitForThePayments() throws Exception {
        tick();
        assertEquals(List.of(3), claims);
        assertEquals(3, dispatcher.beingResolved());
        assertEquals(3, inFlight.size());
        assertEquals(3, camel.getInflightRepository().size("resolve"), "exchanges of the route: a stop waits for them");

        tick();
        assertEquals(List.of(3), claims, "nothing claimed while full");

        end("order-2", null);
        assertEquals(2, dispatcher.beingResolved());
        tick();
        assertEquals(List.of(3, 1), claims);
        assertEquals(3, dispatcher.beingResolved());

        end("order-1", null);
        end("order-3", null);
        tick();
        assertEquals(List.of(3, 1, 2), claims);
        assertEquals(MOST, dispatcher.beingResolved());
        assertEquals(MOST, camel.getInflightRepository().size("resolve"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFailedResolutionIsLoggedNamingItsOrderAndFreesItsPlace() throws Exception {
        tick();
        end("order-2", new IllegalStateException("database down"));

        assertEquals(2, dispatcher.beingResolved());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("order-2") && warnings.get(0).contains("database down"), warnings.get(0));
        tick();
        assertEquals(List.of(3, 1), claims);
    }

    @Test
    void aGracefulStopWaitsForThePaymentsBeingResolved() throws Exception {
        tick();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(camel::stop);

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !stopped.isDone());
        List.copyOf(inFlight.keySet()).forEach(order -> end(order, null));
        stopped.get(10, TimeUnit.SECONDS);
        assertEquals(0, dispatcher.beingResolved());
    }

    private void tick() throws Exception {
        dispatcher.process(new DefaultExchange(camel));
    }

    private void end(String order, Exception failure) {
        inFlight.remove(order).accept(failure);
    }

    private static LedgerEntry entry(String order) {
        return new LedgerEntry(order, "100010000000002", "10001", 2100, "fingerprint", PaymentState.PENDING, null, 1,
                0, null, null, 0, null, null, null, null, null);
    }
}
