package com.scanforpay.gateway.idempotency;

/** Where a key stands in an idempotent repository. */
public enum KeyState {

    /** Never claimed, or removed after a failure, or purged after the retention. */
    ABSENT,

    /** Someone is doing the work right now (or crashed doing it, until the claim lease runs out). */
    CLAIMED,

    /** The work was done and confirmed: a repeat is recognised as such. */
    DONE
}
