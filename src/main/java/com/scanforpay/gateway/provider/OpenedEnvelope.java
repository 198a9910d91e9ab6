package com.scanforpay.gateway.provider;

/** A received envelope whose signature has been checked against its raw bytes. */
public record OpenedEnvelope<H, B>(H header, B body) {
}
