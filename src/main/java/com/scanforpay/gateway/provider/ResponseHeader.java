package com.scanforpay.gateway.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The header of a response or notify envelope; the provider names the message id two ways. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResponseHeader(String partnerNo, String respTime, String signType, String version, String reqMsgId,
        String respMsgId) {

    /** The message id, whichever name the provider used. */
    public String messageId() {
        return reqMsgId != null ? reqMsgId : respMsgId;
    }
}
