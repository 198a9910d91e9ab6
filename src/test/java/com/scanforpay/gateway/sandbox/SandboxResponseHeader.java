package com.scanforpay.gateway.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The header the sandbox puts on responses and notifications, in the provider's sample order. The provider-side
 * {@code ResponseHeader} record would also serialise a {@code null respMsgId}; this one leaves absent ids out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"partnerNo", "respTime", "signType", "version", "reqMsgId"})
record SandboxResponseHeader(String partnerNo, String respTime, String signType, String version, String reqMsgId) {
}
