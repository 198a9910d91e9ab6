package com.scanforpay.gateway.ledger;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** The payment and refund ledgers, on the application's PostgreSQL datasource (Agroal pool). */
@Singleton
public class LedgerBeans {

    @Produces
    @Singleton
    PaymentLedger paymentLedger(DataSource dataSource) {
        return new PaymentLedger(dataSource);
    }

    @Produces
    @Singleton
    RefundLedger refundLedger(DataSource dataSource) {
        return new RefundLedger(dataSource);
    }
}
