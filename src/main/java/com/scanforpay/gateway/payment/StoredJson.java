package com.scanforpay.gateway.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON kept in the ledger: a payment's final result (republished for repeated commands and lost results)
 * and its pay command (for the one permitted re-send). One place that writes it and reads it back.
 */
public final class StoredJson {

    private final ObjectMapper mapper;

    public StoredJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public PaymentResult result(String json) {
        return read(json, PaymentResult.class);
    }

    public PaymentCommand command(String json) {
        return read(json, PaymentCommand.class);
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            // Jackson's message would quote the stored text, which may hold a barcode or buyer data
            throw new IllegalStateException("a stored " + type.getSimpleName() + " is unreadable");
        }
    }
}
