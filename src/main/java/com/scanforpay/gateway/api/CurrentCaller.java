package com.scanforpay.gateway.api;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the request being served, as {@link ApiKeyFilter} identified them, for the resource to authorize. */
@RequestScoped
public class CurrentCaller {

    private ApiCaller caller;

    void set(ApiCaller caller) {
        this.caller = caller;
    }

    /** The request's caller; every {@code /payments} request has passed the filter, which sets it or answers 401. */
    public ApiCaller get() {
        if (caller == null) {
            throw new IllegalStateException("no caller identified for this request");
        }
        return caller;
    }
}
