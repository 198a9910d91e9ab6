package com.scanforpay.gateway.payment;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.scanforpay.gateway.ledger.Admission;
import com.scanforpay.gateway.ledger.NewPayment;
import com.scanforpay.gateway.ledger.PaymentLedger;
import com.scanforpay.gateway.devstack.LocalPostgres;
import com.scanforpay.gateway.testing.GatewayTestStack;
import com.scanforpay.gateway.testing.OrderNumbers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.IntStream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The admission step of the pay route against the real ledger (the test JVM's shared PostgreSQL): admitted payments
 * go on on their own thread, in the order they started, and every exchange handed in gets its callback, even once
 * the step has stopped.
 */
class PaymentAdmissionsTest {

    private static PaymentLedger ledger;
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final PaymentAdmissions admissions = new PaymentAdmissions(ledger);

    @BeforeAll
    static void migrate() {
        LocalPostgres postgres = GatewayTestStack.postgres();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(postgres.jdbcUrl());
        source.setUser(postgres.username());
        source.setPassword(postgres.password());
        Flyway.configure().dataSource(source).load().migrate();
        ledger = new PaymentLedger(source);
    }

    @AfterEach
    void close() {
        admissions.close();
    }

    @Test
    void admittedPaymentsGoOnOnTheirOwnThreadInTheOrderTheyStarted() {
        List<Exchange> started = IntStream.range(0, 60).mapToObj(i -> exchange()).toList();
        List<String> wentOn = Collections.synchronizedList(new ArrayList<>());
        for (Exchange exchange : started) {
            admissions.process(exchange, doneSync -> wentOn.add(Thread.currentThread().getName() + " "
                    + exchange.getProperty(PaymentAdmissions.PAYMENT, NewPayment.class).partnerOrderNo()));
        }
        await("every callback").atMost(Duration.ofSeconds(30)).until(() -> wentOn.size() == started.size());

        assertEquals(started.stream().map(exchange -> "payment-admitted "
                + exchange.getProperty(PaymentAdmissions.PAYMENT, NewPayment.class).partnerOrderNo()).toList(), wentOn);
        for (Exchange exchange : started) {
            assertNull(exchange.getException());
            assertInstanceOf(Admission.Admitted.class, exchange.getProperty(PaymentAdmissions.ADMISSION));
            assertNotNull(exchange.getProperty(PaymentAdmissions.ADMITTED_AT, Long.class));
        }
    }

    @Test
    void aPaymentHandedInAfterTheStopStillGetsItsCallbackWithTheRefusal() {
        admissions.close();
        Exchange exchange = exchange();
        List<String> called = Collections.synchronizedList(new ArrayList<>());

        admissions.process(exchange, doneSync -> called.add(Thread.currentThread().getName()));

        await("the callback").atMost(Duration.ofSeconds(10)).until(() -> called.size() == 1);
        assertInstanceOf(RejectedExecutionException.class, exchange.getException(), "held back as an outage");
        assertNull(exchange.getProperty(PaymentAdmissions.ADMISSION));
    }

    private Exchange exchange() {
        Exchange exchange = new DefaultExchange(camel);
        String order = OrderNumbers.longest("adm");
        exchange.setProperty(PaymentAdmissions.PAYMENT, new NewPayment(order, "100010000000002", "10001", 2100,
                "284447106610060508", Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofHours(24),
                "{\"type\":\"PAY\"}"));
        return exchange;
    }
}
