package com.scanforpay.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.scanforpay.gateway.payment.Outcome;
import com.scanforpay.gateway.payment.PaymentResult;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * Each {@link PaymentAnswer} as {@link PaymentsResource} answers it: status code, JSON or problem body, and the
 * Location to poll. In one place, so the status codes the API documents ({@link PaymentsApi}) read as one table.
 */
@Singleton
class PaymentResponses {

    // the resource's log category, where operators find the API's refusals
    private static final Logger LOG = Logger.getLogger(PaymentsResource.class);

    @Inject
    ObjectMapper mapper;

    /** {@code caller} made {@code request}, which the log of a 403 names; the 403 tells nothing of the order. */
    Response of(PaymentAnswer answer, ApiCaller caller, String request) {
        if (answer instanceof PaymentAnswer.Final done) {
            // a REJECTED result is the gateway's refusal of this command: 409 with its errors
            PaymentResult result = done.result();
            return result.outcome() == Outcome.REJECTED ? Problem.refused(result).response() : json(200, result);
        }
        if (answer instanceof PaymentAnswer.Taken taken) {
            String location = location(taken.partnerOrderNo(), taken.refundNo());
            return Response.fromResponse(json(202, new ApiSchemas.Accepted(taken.partnerOrderNo(), taken.refundNo(),
                    location))).header(HttpHeaders.LOCATION, location).build();
        }
        if (answer instanceof PaymentAnswer.Conflict conflict) {
            return Problem.conflict(conflict.field(), conflict.message()).response();
        }
        if (answer instanceof PaymentAnswer.OtherStore) {
            LOG.infof("%s refused: %s does not act for the order's store", request, caller.label());
            return Problem.forbidden(caller.label() + " does not act for this order's store").response();
        }
        if (answer instanceof PaymentAnswer.NotFound notFound) {
            return (notFound.field() == null ? Problem.notFound(notFound.message())
                    : Problem.notFound(notFound.field(), notFound.message())).response();
        }
        if (answer instanceof PaymentAnswer.NotSubmitted notSubmitted) {
            return Problem.unavailable(notSubmitted.message()).response();
        }
        if (answer instanceof PaymentAnswer.Payment payment) {
            return json(200, payment.view());
        }
        return json(200, ((PaymentAnswer.Refund) answer).view());
    }

    private Response json(int status, Object entity) {
        return JsonResponses.of(mapper, status, MediaType.APPLICATION_JSON, entity);
    }

    /**
     * {@code /payments/{partnerOrderNo}}, or {@code /payments/{partnerOrderNo}/refunds/{refundNo}} for a refund: each
     * number encoded as one path segment.
     */
    private static String location(String partnerOrderNo, String refundNo) {
        String payment = "/payments/" + segment(partnerOrderNo);
        return refundNo == null ? payment : payment + "/refunds/" + segment(refundNo);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
