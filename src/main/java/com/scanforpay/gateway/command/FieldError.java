package com.scanforpay.gateway.command;

/** One problem with one field of a command, as published in a {@code REJECTED} result. */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
