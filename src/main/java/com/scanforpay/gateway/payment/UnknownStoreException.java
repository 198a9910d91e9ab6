package com.scanforpay.gateway.payment;

/** A store no partner account serves: nothing can be sent for it. Commands naming one are rejected at the edge. */
public final class UnknownStoreException extends IllegalStateException {

    public UnknownStoreException(String storeNo) {
        super(message(storeNo));
    }

    /** What to do about it, naming the setting. */
    public static String message(String storeNo) {
        return "storeNo " + storeNo + " is not configured: map it to a partner with scanforpay.stores.\"" + storeNo
                + "\".partner";
    }
}
