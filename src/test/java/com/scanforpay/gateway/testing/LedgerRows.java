package com.scanforpay.gateway.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** What tests read straight from the shared ledger. */
public final class LedgerRows {

    private LedgerRows() {
    }

    /**
     * Open payments the resolver will query within a test (the database is shared by the JVM; rows that ledger
     * tests wrote directly, due in an hour, cannot settle meanwhile).
     */
    public static long openPaymentsDueSoon(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM payments WHERE state IN "
                        + "('PAYING', 'PENDING', 'CHECKING') AND next_check_at < now() + interval '1 minute'");
                ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
