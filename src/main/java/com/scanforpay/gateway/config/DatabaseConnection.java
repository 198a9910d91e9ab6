package com.scanforpay.gateway.config;

import io.smallrye.config.ConfigMapping;

/**
 * Where PostgreSQL is ({@code QUARKUS_DATASOURCE_JDBC_URL}). Mapped only so that start-up names it, with the
 * other missing settings, in one line; Agroal reads it itself.
 */
@ConfigMapping(prefix = "quarkus.datasource.jdbc")
public interface DatabaseConnection {

    String url();
}
