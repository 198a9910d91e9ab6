package com.scanforpay.gateway.notify;

/** A notification that can never be taken as sent: answered 400, nothing published, nothing stored. */
public final class RejectedNotificationException extends RuntimeException {

    private final NotifyVerdict verdict;

    RejectedNotificationException(NotifyVerdict verdict, String reason) {
        super(reason, null, false, false);
        this.verdict = verdict;
    }

    public NotifyVerdict verdict() {
        return verdict;
    }
}
